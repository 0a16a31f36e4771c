import Foundation
import SwitchboardCore

/// A customer's message as a channel received it, before it has a contact or conversation.
public struct IncomingMessage: Sendable, Hashable {
    public let inboxID: InboxID
    /// The provider's message id; the same id again is a redelivery and is stored once.
    public let externalID: String
    public let contact: ContactDraft
    public let content: String
    /// When the customer sent it, if the channel says; the store's clock otherwise.
    public let sentAt: Date?
    /// Files the sender uploaded before sending, claimed by this message.
    public let attachmentIDs: [AttachmentID]

    public init(inboxID: InboxID, externalID: String, contact: ContactDraft, content: String, sentAt: Date?,
                attachmentIDs: [AttachmentID] = []) {
        self.inboxID = inboxID
        self.externalID = externalID
        self.contact = contact
        self.content = content
        self.sentAt = sentAt
        self.attachmentIDs = attachmentIDs
    }
}

/// Who sent an incoming message, as the channel knows them.
public struct ContactDraft: Sendable, Hashable {
    /// The channel's id for the sender (phone number, chat id, the integration's customer id).
    public let externalID: String
    public let name: String?
    public let email: String?
    public let phone: String?

    public init(externalID: String, name: String?, email: String?, phone: String?) {
        self.externalID = externalID
        self.name = name
        self.email = email
        self.phone = phone
    }
}

/// What storing an incoming message produced.
public struct IngestResult: Sendable {
    /// Who sent it (the full profile is `contactProfile(_:)`'s: reading it on every message is not free).
    public let contact: ContactName
    public let conversation: Conversation
    public let message: Message
    /// True when the external id had been stored before: nothing was written this time.
    public let isDuplicate: Bool
    /// Events the write appended to the log (empty for a duplicate).
    public let events: [DomainEvent]

    public init(contact: ContactName, conversation: Conversation, message: Message, isDuplicate: Bool, events: [DomainEvent]) {
        self.contact = contact
        self.conversation = conversation
        self.message = message
        self.isDuplicate = isDuplicate
        self.events = events
    }
}
