import Foundation

/// Something that happened, as agents' screens and integrations learn of it.
///
/// Stores append events to the workspace's event log in the same transaction as the change, which
/// gives them their monotonic `sequence`; services publish them only after commit.
public struct DomainEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case conversationCreated = "conversation.created"
        case conversationUpdated = "conversation.updated"
        case messageCreated = "message.created"
        /// A message's delivery status changed (a customer read the agents' replies).
        case messageUpdated = "message.updated"
        case contactCreated = "contact.created"
        case contactMerged = "contact.merged"
    }

    /// Position in the event log, strictly increasing, and never given to an event after a later one
    /// was readable. A backend that numbers the log after commit (PostgreSQL) returns 0 on the events a
    /// write hands back; what is read from the log always carries the position.
    public let sequence: Int64
    public let workspaceID: WorkspaceID
    public let kind: Kind
    public let inboxID: InboxID?
    public let conversationID: ConversationID?
    /// The customer the event concerns, when there is one: how a visitor's socket finds its own events.
    public let contactID: ContactID?
    /// The id of the thing the event is about (message, contact, conversation).
    public let subjectID: String
    public let occurredAt: Date
    /// The state the event announces, as of the write (what realtime clients receive and replay).
    public let payload: EventPayload?

    public init(sequence: Int64, workspaceID: WorkspaceID, kind: Kind, inboxID: InboxID?,
                conversationID: ConversationID?, contactID: ContactID?, subjectID: String, occurredAt: Date, payload: EventPayload?) {
        self.sequence = sequence
        self.workspaceID = workspaceID
        self.kind = kind
        self.inboxID = inboxID
        self.conversationID = conversationID
        self.contactID = contactID
        self.subjectID = subjectID
        self.occurredAt = occurredAt
        self.payload = payload
    }
}

/// What an event carries: the conversation or message as it was written, or the contact concerned.
public enum EventPayload: Sendable, Hashable, Codable {
    case conversation(Conversation, contact: ContactName)
    case message(Message)
    case contact(ContactName)
}
