import Foundation
import Logging
import SwitchboardCore
import SwitchboardStore

/// What agents do with conversations, contacts and search.
public struct ConversationService: Sendable {
    private let storage: any Storage
    private let events: any EventBus
    private let signals: any SignalBus
    private let logger: Logger

    /// - Parameters:
    ///   - events: where committed events are announced.
    ///   - signals: where typing is announced.
    public init(storage: any Storage, events: any EventBus, signals: any SignalBus, logger: Logger) {
        self.storage = storage
        self.events = events
        self.signals = signals
        self.logger = logger
    }

    private func store(_ actor: Agent) -> any WorkspaceStorage { storage.workspace(actor.workspaceID) }

    /// Agents work the conversations of the inboxes they are members of (admins: all); any other
    /// conversation is "not found" to them, over every route, as on the realtime socket.
    public func conversations(for actor: Agent, matching query: ConversationQuery, page: PageRequest) async throws -> Page<ConversationSummary> {
        var query = query
        query.inboxIDs = try await InboxScope.of(actor, in: store(actor)).inboxes
        return try await store(actor).conversations(matching: query, page: page)
    }

    public func conversation(_ id: ConversationID, for actor: Agent) async throws -> ConversationSummary {
        let found = try await current(id, for: actor)
        guard try await InboxScope.of(actor, in: store(actor)).allows(found.conversation.inboxID)
        else { throw ServiceError.notFound("conversation") }
        return found
    }

    /// The conversation as it stands now, for a caller already allowed to see it.
    private func current(_ id: ConversationID, for actor: Agent) async throws -> ConversationSummary {
        guard let found = try await store(actor).conversation(id) else { throw ServiceError.notFound("conversation") }
        return found
    }

    public func messages(in id: ConversationID, for actor: Agent, page: PageRequest) async throws -> Page<Message> {
        _ = try await conversation(id, for: actor)
        return try await store(actor).messages(in: id, page: page)
    }

    /// An agent's reply (`isPrivate == false`, delivered to the customer) or private note (agents only).
    public func reply(to id: ConversationID, by actor: Agent, content: String, isPrivate: Bool,
                      attachments: [AttachmentID] = []) async throws -> Message {
        try Validate.messageBody(content, attachments: attachments, max: IngestService.maxContentLength)
        let conversation = try await self.conversation(id, for: actor).conversation
        let messageID = MessageID.generate()
        let delivered = isPrivate ? false : try await deliversReplies(in: conversation)
        if delivered {
            // Queued before the reply is stored: a crash in between leaves a job whose message never
            // came (it gives up), never a stored reply that nothing will deliver.
            _ = try await storage.jobs.enqueue(OutboundDelivery.job(for: messageID, in: conversation))
        }
        let written = try await store(actor).appendOutgoing(OutgoingMessage(
            id: messageID, conversationID: id, sender: .agent(actor.id), content: content, isPrivate: isPrivate,
            status: delivered ? .queued : initialStatus(isPrivate: isPrivate, channel: conversation.channel),
            attachmentIDs: attachments))
        events.publish(written.events)
        logger.debug("agent message stored", metadata: [
            "conversation_id": "\(id)", "private": "\(isPrivate)", "agent_id": "\(actor.id)",
        ])
        return written.value.message
    }

    /// Sends a reply whose delivery failed once more (status back to `queued`, a new delivery job).
    public func retryDelivery(of messageID: MessageID, in id: ConversationID, by actor: Agent) async throws -> Message {
        let conversation = try await self.conversation(id, for: actor).conversation
        guard let message = try await store(actor).message(messageID), message.conversationID == id
        else { throw ServiceError.notFound("message") }
        guard message.status == .failed, try await deliversReplies(in: conversation) else {
            throw ServiceError.conflict("Only a reply whose delivery failed can be retried; this one is \(message.status.rawValue).")
        }
        // The job first: it delivers a reply that is queued or failed, so a crash before the status
        // changes below loses nothing.
        _ = try await storage.jobs.enqueue(OutboundDelivery.job(for: messageID, in: conversation))
        guard let written = try await store(actor).setDeliveryStatus(of: messageID, to: .queued, ifNow: [.failed])
        else { return try await store(actor).message(messageID) ?? message }  // the job was quicker
        events.publish(written.events)
        return written.value
    }

    private func deliversReplies(in conversation: Conversation) async throws -> Bool {
        guard conversation.channel == .api,
              let inbox = try await storage.workspace(conversation.workspaceID).inbox(conversation.inboxID)
        else { return false }
        return OutboundDelivery.delivers(from: inbox)
    }

    /// A private note is never delivered anywhere. An `api` inbox's integration without a callback
    /// reads replies through the API, and web chat pushes them to the visitor's open sockets (or
    /// their next hello), so both are sent once stored; the other channels queue them for their
    /// delivery worker.
    private func initialStatus(isPrivate: Bool, channel: ChannelKind) -> DeliveryStatus {
        isPrivate || channel == .api || channel == .webChat ? .sent : .queued
    }

    /// Tells the customer (on web chat) and the other agents that the agent is (no longer) typing.
    public func typing(_ isTyping: Bool, in id: ConversationID, by actor: Agent) async throws {
        let conversation = try await self.conversation(id, for: actor).conversation
        signals.publish(.typing(.init(workspaceID: actor.workspaceID, inboxID: conversation.inboxID, conversationID: id,
                                      contactID: conversation.contactID, actor: .agent(actor.id), isTyping: isTyping)))
    }

    public func update(_ id: ConversationID, by actor: Agent, _ change: ConversationChange) async throws -> ConversationSummary {
        guard !change.isEmpty else {
            throw ServiceError.invalidField(field: "body", message: "Nothing to change: give at least one field.")
        }
        _ = try await conversation(id, for: actor)
        let written = try await store(actor).updateConversation(id, change)
        events.publish(written.events)
        if change.status == .snoozed, let wakeUp = UnsnoozeJob.job(for: written.value) {
            _ = try await storage.jobs.enqueue(wakeUp)
        }
        return try await current(id, for: actor)
    }

    public func markRead(_ id: ConversationID, by actor: Agent) async throws -> ConversationSummary {
        _ = try await conversation(id, for: actor)
        events.publish(try await store(actor).markRead(id).events)
        return try await current(id, for: actor)
    }

    public func contacts(for actor: Agent, matching text: String?, page: PageRequest) async throws -> Page<Contact> {
        try await store(actor).contacts(matching: text, page: page)
    }

    /// A contact is everyone's; the conversations shown with it are those the agent may see.
    public func contact(_ id: ContactID, for actor: Agent) async throws -> ContactProfile {
        guard let profile = try await store(actor).contactProfile(id) else { throw ServiceError.notFound("contact") }
        let scope = try await InboxScope.of(actor, in: store(actor))
        return ContactProfile(contact: profile.contact, conversations: profile.conversations.filter { scope.allows($0.inboxID) })
    }

    public func merge(_ other: ContactID, into survivor: ContactID, by actor: Agent) async throws -> ContactProfile {
        events.publish(try await store(actor).mergeContacts(survivor: survivor, other: other).events)
        return try await contact(survivor, for: actor)
    }

    public func search(_ text: String, for actor: Agent, limit: Int) async throws -> SearchResults {
        try Validate.text(text, field: "q", max: 200)
        let scope = try await InboxScope.of(actor, in: store(actor))
        return try await store(actor).search(text, limit: min(max(limit, 1), PageRequest.maxLimit), inboxes: scope.inboxes)
    }
}
