import Foundation

/// Times are stored as BIGINT milliseconds since 1970, as in the SQLite backend: exact, sortable, and
/// a `Date` read back equals the one written (to the millisecond the domain keeps).
enum Timestamp {
    static func now() -> Int64 { milliseconds(Date()) }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map(date) }
}

/// JSON text columns (labels, settings, attributes, attachments, event payloads), encoded exactly as
/// the SQLite backend encodes them.
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
