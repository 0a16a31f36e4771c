import Foundation
import SwitchboardCore

/// An opaque position in a sorted list: a sort key and the id that breaks ties, as base64url JSON.
///
/// Clients only pass back what they were given; anything else fails to decode and is rejected.
public struct Cursor: Sendable, Hashable, Codable {
    /// The sort key of the last item on the page (e.g. milliseconds of last activity), if the list has one.
    public let key: Int64?
    /// The id of the last item on the page.
    public let id: String

    public init(key: Int64?, id: String) {
        self.key = key
        self.id = id
    }

    /// The cursor inside `token`, or nil when the token was not made by ``token``.
    public init?(token: String) {
        guard token.count <= 512, let data = Data(base64URLEncoded: token),
              let decoded = try? JSONDecoder().decode(Cursor.self, from: data), !decoded.id.isEmpty
        else { return nil }
        self = decoded
    }

    /// The string handed to clients.
    public var token: String {
        ((try? JSONEncoder().encode(self)) ?? Data()).base64URLEncodedString()
    }
}

/// A cursor string that does not decode.
public struct InvalidCursor: Error, Sendable, Hashable {
    public init() {}
}

extension PageRequest {
    /// The decoded cursor, nil for the first page.
    public func decodedCursor() throws(InvalidCursor) -> Cursor? {
        guard let cursor else { return nil }
        guard let decoded = Cursor(token: cursor) else { throw InvalidCursor() }
        return decoded
    }
}
