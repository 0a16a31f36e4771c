/// One page of a list plus the cursor of the next page (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Which page to read: at most `limit` items after the position `cursor` encodes.
public struct PageRequest: Sendable, Hashable {
    public static let defaultLimit = 25
    public static let maxLimit = 100

    public let limit: Int
    public let cursor: String?

    /// A request with the limit clamped to 1...maxLimit.
    public init(limit: Int = PageRequest.defaultLimit, cursor: String? = nil) {
        self.limit = min(max(limit, 1), Self.maxLimit)
        self.cursor = cursor
    }
}
