import Foundation

/// How both backends store JSON text columns (labels, settings, attributes, attachments, event payloads):
/// the same encoder, so the two databases hold the same text and a data move between them is lossless.
public enum JSONColumn {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
