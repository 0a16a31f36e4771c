/// A typed string identifier: `Identifier<Contact>` and `Identifier<Inbox>` cannot be mixed up.
///
/// Identifiers are time-ordered (see ``SortableID``), so sorting them sorts by creation time.
public struct Identifier<Entity>: Hashable, Sendable, Codable, RawRepresentable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A fresh, time-ordered identifier.
    public static func generate() -> Identifier { Identifier(SortableID.make()) }

    public var description: String { rawValue }

    public static func < (lhs: Identifier, rhs: Identifier) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

public typealias WorkspaceID = Identifier<Workspace>
public typealias AgentID = Identifier<Agent>
public typealias TeamID = Identifier<Team>
public typealias InboxID = Identifier<Inbox>
public typealias ContactID = Identifier<Contact>
public typealias ConversationID = Identifier<Conversation>
public typealias MessageID = Identifier<Message>
public typealias LabelID = Identifier<Label>
public typealias CannedResponseID = Identifier<CannedResponse>
