import Foundation
import SwitchboardCore

/// Conversations and their messages.
public protocol ConversationStore: Sendable {
    /// Stores a customer's message: finds or creates the contact (by channel identity, then email),
    /// joins the contact's active conversation in the inbox or opens one, and appends the message.
    /// Idempotent on (inbox, external id): a redelivery returns the first result with `isDuplicate`.
    /// Throws `.notFound` for an unknown inbox, or an attachment that is not the sender's unclaimed upload.
    func appendIncoming(_ message: IncomingMessage) async throws -> IngestResult
    /// Appends an agent's, bot's or the system's message. Throws `.notFound` for an unknown conversation,
    /// or an attachment that is not the sender's unclaimed upload.
    func appendOutgoing(_ message: OutgoingMessage) async throws -> Written<ConversationMessage>
    func conversation(_ id: ConversationID) async throws -> ConversationSummary?
    /// Conversations matching `query`, most recent activity first. Throws `InvalidCursor`.
    func conversations(matching query: ConversationQuery, page: PageRequest) async throws -> Page<ConversationSummary>
    /// A conversation's messages, oldest first. Throws `.notFound` for an unknown conversation, `InvalidCursor`.
    func messages(in conversation: ConversationID, page: PageRequest) async throws -> Page<Message>
    /// Applies an agent's edit under the rules of `Conversation.applying(_:now:)`.
    /// Throws `.notFound` for an unknown conversation, assignee or team, and `ConversationRuleViolation`.
    func updateConversation(_ id: ConversationID, _ change: ConversationChange) async throws -> Written<Conversation>
    /// Marks every message of the conversation as read by the agents.
    func markRead(_ id: ConversationID) async throws -> Written<Conversation>
    /// Marks the agents' public replies in the conversation written up to `through` as read by the
    /// customer (those not read yet); returns them as changed, each with a `message.updated` event.
    func markRepliesRead(in id: ConversationID, through: Date) async throws -> Written<[Message]>
    /// One message of the workspace; nil when there is none.
    func message(_ id: MessageID) async throws -> Message?
    /// Moves a message's delivery status to `status` when it is one of `expected` now (a delivery
    /// worker's outcome, an agent's retry of a failed delivery), with a `message.updated` event. Nil,
    /// and nothing changed, when its status is something else: a concurrent change came first.
    /// Throws `.notFound` for an unknown message.
    func setDeliveryStatus(of id: MessageID, to status: DeliveryStatus,
                           ifNow expected: Set<DeliveryStatus>) async throws -> Written<Message>?
}

/// A conversation together with one message of it.
public struct ConversationMessage: Sendable {
    public let conversation: Conversation
    public let message: Message

    public init(conversation: Conversation, message: Message) {
        self.conversation = conversation
        self.message = message
    }
}
