import Foundation

/// One message in a conversation.
public struct Message: Sendable, Hashable, Codable {
    public let id: MessageID
    public let workspaceID: WorkspaceID
    public let conversationID: ConversationID
    public let direction: MessageDirection
    public let sender: MessageSender
    /// A private note: seen by agents only, never sent to the customer.
    public let isPrivate: Bool
    public let content: String
    /// Files sent with the message (may be the whole message, with empty `content`).
    public let attachments: [Attachment]
    public var status: DeliveryStatus
    /// The provider's id for the message, used to drop redeliveries.
    public let externalID: String?
    public let createdAt: Date

    public init(id: MessageID, workspaceID: WorkspaceID, conversationID: ConversationID, direction: MessageDirection,
                sender: MessageSender, isPrivate: Bool, content: String, attachments: [Attachment] = [],
                status: DeliveryStatus, externalID: String?, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.conversationID = conversationID
        self.direction = direction
        self.sender = sender
        self.isPrivate = isPrivate
        self.content = content
        self.attachments = attachments
        self.status = status
        self.externalID = externalID
        self.createdAt = createdAt
    }
}

/// `in`: from the customer; `out`: from us (agent, bot or system).
public enum MessageDirection: String, Sendable, Codable {
    case incoming = "in"
    case outgoing = "out"
}

/// Who wrote a message.
public struct MessageSender: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        case contact, agent, bot, system
    }

    public let kind: Kind
    /// The contact's or agent's id; nil for the system.
    public let id: String?

    public init(kind: Kind, id: String?) {
        self.kind = kind
        self.id = id
    }

    public static func contact(_ id: ContactID) -> MessageSender { .init(kind: .contact, id: id.rawValue) }
    public static func agent(_ id: AgentID) -> MessageSender { .init(kind: .agent, id: id.rawValue) }
}

/// How far an outgoing message got. Incoming messages are `delivered` on arrival.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    case queued, sent, delivered, read, failed
}
