import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The body decoded as JSON, read up to the context's body limit. Every failure is a 4xx with a
    /// message that names the problem: too large (413), not JSON (400), wrong shape (422).
    func decodeJSON<T: Decodable>(_ type: T.Type, context: AppRequestContext) async throws -> T {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.bodyLimit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge(limit: context.bodyLimit)
        }
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, code: "malformed_json", message: "The request body is empty; send a JSON object.")
        }
        do {
            return try JSONDecoder.api.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(decoding: error)
        }
    }
}

extension JSONDecoder {
    /// Timestamps are RFC 3339; fractional seconds are accepted.
    static let api: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = RFC3339.parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an RFC 3339 timestamp")
        }
        return decoder
    }()
}

/// RFC 3339 timestamps, with or without fractional seconds.
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}

extension APIError {
    /// Names the field and the problem, e.g. "contact.external_id is missing".
    init(decoding error: DecodingError) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "body" : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .validation("\(path(context.codingPath, key)) is missing.")
        case .valueNotFound(_, let context):
            self = .validation("\(path(context.codingPath)) must not be null.")
        case .typeMismatch(let type, let context):
            self = .validation("\(path(context.codingPath)) has the wrong type; expected \(Self.describe(type)).")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self = APIError(.badRequest, code: "malformed_json", message: "The request body is not valid JSON.")
        case .dataCorrupted(let context):
            self = .validation("\(path(context.codingPath)) is invalid: \(context.debugDescription).")
        @unknown default:
            self = APIError(.badRequest, code: "malformed_json", message: "The request body could not be read.")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }
}
