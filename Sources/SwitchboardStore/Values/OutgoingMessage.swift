import SwitchboardCore

/// A reply or note written by an agent, bot or the system.
public struct OutgoingMessage: Sendable, Hashable {
    /// Chosen before the write, so work about the message (its delivery job) can be queued before
    /// it is stored and is never lost to a crash in between.
    public let id: MessageID
    public let conversationID: ConversationID
    public let sender: MessageSender
    public let content: String
    public let isPrivate: Bool
    /// The initial delivery status: `queued` when a channel still has to deliver it.
    public let status: DeliveryStatus
    /// Files the sender uploaded before sending, claimed by this message.
    public let attachmentIDs: [AttachmentID]

    public init(id: MessageID = .generate(), conversationID: ConversationID, sender: MessageSender, content: String,
                isPrivate: Bool, status: DeliveryStatus, attachmentIDs: [AttachmentID] = []) {
        self.id = id
        self.conversationID = conversationID
        self.sender = sender
        self.content = content
        self.isPrivate = isPrivate
        self.status = status
        self.attachmentIDs = attachmentIDs
    }
}

/// A conversation or message write together with the events it appended.
public struct Written<Value: Sendable>: Sendable {
    public let value: Value
    public let events: [DomainEvent]

    public init(_ value: Value, events: [DomainEvent]) {
        self.value = value
        self.events = events
    }
}
