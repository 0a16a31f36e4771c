import Foundation

/// A thread between one contact and the business in one inbox.
public struct Conversation: Sendable, Hashable, Codable {
    public let id: ConversationID
    public let workspaceID: WorkspaceID
    /// Human-friendly number, unique in the workspace ("#1042").
    public let number: Int
    public let inboxID: InboxID
    public let channel: ChannelKind
    public var contactID: ContactID
    public var status: ConversationStatus
    public var priority: ConversationPriority
    public var assigneeID: AgentID?
    public var teamID: TeamID?
    public var labels: [String]
    public var snoozedUntil: Date?
    public var unreadCount: Int
    public var lastMessage: MessagePreview?
    public let createdAt: Date
    public var lastActivityAt: Date
    /// When an agent first replied publicly; nil until then.
    public var firstResponseAt: Date?
    /// When the customer started waiting for an answer; nil when the last word was ours.
    public var waitingSince: Date?
    public var resolvedAt: Date?

    public init(id: ConversationID, workspaceID: WorkspaceID, number: Int, inboxID: InboxID, channel: ChannelKind,
                contactID: ContactID, status: ConversationStatus = .open, priority: ConversationPriority = .none,
                assigneeID: AgentID? = nil, teamID: TeamID? = nil, labels: [String] = [], snoozedUntil: Date? = nil,
                unreadCount: Int = 0, lastMessage: MessagePreview? = nil, createdAt: Date, lastActivityAt: Date,
                firstResponseAt: Date? = nil, waitingSince: Date? = nil, resolvedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.number = number
        self.inboxID = inboxID
        self.channel = channel
        self.contactID = contactID
        self.status = status
        self.priority = priority
        self.assigneeID = assigneeID
        self.teamID = teamID
        self.labels = labels
        self.snoozedUntil = snoozedUntil
        self.unreadCount = unreadCount
        self.lastMessage = lastMessage
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.firstResponseAt = firstResponseAt
        self.waitingSince = waitingSince
        self.resolvedAt = resolvedAt
    }
}

/// The last message of a conversation as the inbox list shows it.
public struct MessagePreview: Sendable, Hashable, Codable {
    public let content: String
    public let createdAt: Date
    public let direction: MessageDirection

    public init(content: String, createdAt: Date, direction: MessageDirection) {
        self.content = content
        self.createdAt = createdAt
        self.direction = direction
    }

    /// Longest preview kept; the full text is in the message itself.
    public static let maxLength = 280

    public init(of message: Message) {
        self.init(content: String(message.content.prefix(Self.maxLength)), createdAt: message.createdAt,
                  direction: message.direction)
    }
}
