import SwitchboardCore

/// Filters for the conversation list; nil means "any".
public struct ConversationQuery: Sendable, Hashable {
    public var status: ConversationStatus?
    public var inboxID: InboxID?
    /// `.some(nil)` asks for unassigned conversations.
    public var assigneeID: AgentID??
    public var teamID: TeamID?
    public var label: String?
    public var channel: ChannelKind?
    /// Words that must appear in a message of the conversation or in its contact's name.
    public var text: String?
    /// Only conversations of these inboxes (an agent's memberships); nil for every inbox.
    public var inboxIDs: Set<InboxID>?

    public init(status: ConversationStatus? = nil, inboxID: InboxID? = nil, assigneeID: AgentID?? = nil,
                teamID: TeamID? = nil, label: String? = nil, channel: ChannelKind? = nil, text: String? = nil) {
        self.status = status
        self.inboxID = inboxID
        self.assigneeID = assigneeID
        self.teamID = teamID
        self.label = label
        self.channel = channel
        self.text = text
    }
}

/// A conversation with the contact it belongs to, as the inbox list shows it.
public struct ConversationSummary: Sendable, Hashable {
    public let conversation: Conversation
    public let contact: ContactName

    public init(conversation: Conversation, contact: ContactName) {
        self.conversation = conversation
        self.contact = contact
    }
}

/// A contact with every conversation it has, on any channel.
public struct ContactProfile: Sendable {
    public let contact: Contact
    public let conversations: [Conversation]

    public init(contact: Contact, conversations: [Conversation]) {
        self.contact = contact
        self.conversations = conversations
    }
}

/// What a search found.
public struct SearchResults: Sendable {
    public let conversations: [ConversationSummary]
    public let messages: [Message]
    public let contacts: [Contact]

    public init(conversations: [ConversationSummary], messages: [Message], contacts: [Contact]) {
        self.conversations = conversations
        self.messages = messages
        self.contacts = contacts
    }
}
