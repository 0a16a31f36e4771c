import Foundation
import Logging
import SwitchboardCore
import SwitchboardStore

/// The customer's side of web chat: widget settings, visitor sessions, and what visitors send.
public struct WidgetService: Sendable {
    /// What the widget shows before the visitor writes anything.
    public struct Config: Sendable {
        public let inbox: Inbox
        public let greeting: String?
        public let preChatForm: Bool
        public let requiresIdentityVerification: Bool
        public let agentsOnline: Bool
        public let businessHoursOpen: Bool
    }

    /// What a visitor says about themselves when a session opens.
    public struct SessionRequest: Sendable {
        public let identifier: String?
        public let identifierHash: String?
        public let name: String?
        public let email: String?

        public init(identifier: String?, identifierHash: String?, name: String?, email: String?) {
            self.identifier = identifier
            self.identifierHash = identifierHash
            self.name = name
            self.email = email
        }
    }

    /// A new session: the token (shown once, kept by the widget) and what it stands for.
    public struct OpenedSession: Sendable {
        public let token: String
        public let session: VisitorSession
    }

    /// How many messages of the current conversation a connecting widget is shown.
    public static let historyLimit = 100

    private let storage: any Storage
    private let events: any EventBus
    private let signals: any SignalBus
    private let hub: VisitorHub
    private let presence: PresenceRegistry
    private let logger: Logger
    public let limits: WidgetLimits
    private let sessionsPerIP: RateLimiter
    private let messagesPerVisitor: RateLimiter
    private let messagesPerIP: RateLimiter
    private let typingPerVisitor: RateLimiter
    private let agentNames: AgentNameCache

    public init(storage: any Storage, events: any EventBus, signals: any SignalBus, hub: VisitorHub,
                presence: PresenceRegistry, limits: WidgetLimits, logger: Logger) {
        self.storage = storage
        self.events = events
        self.signals = signals
        self.hub = hub
        self.presence = presence
        self.limits = limits
        self.logger = logger
        sessionsPerIP = RateLimiter(limits.sessionsPerIP)
        messagesPerVisitor = RateLimiter(limits.messagesPerVisitor)
        messagesPerIP = RateLimiter(limits.messagesPerIP)
        typingPerVisitor = RateLimiter(limits.typingPerVisitor)
        agentNames = AgentNameCache(storage: storage)
    }

    public func config(inbox id: InboxID, now: Date = Date()) async throws -> Config {
        let inbox = try await webChatInbox(id)
        let settings = inbox.settings
        let hours = settings["business_hours"].flatMap { try? BusinessHours($0) }
        return Config(
            inbox: inbox, greeting: settings["greeting"]?.stringValue,
            preChatForm: settings["pre_chat_form"] == .bool(true),
            requiresIdentityVerification: settings["require_identity_verification"] == .bool(true),
            agentsOnline: presence.anyAgentOnline(in: inbox.workspaceID),
            businessHoursOpen: hours?.isOpen(at: now) ?? true)
    }

    /// Opens a session. An identifier counts only with a valid `identifier_hash`; a wrong hash, or none
    /// where the inbox requires verification, is refused.
    public func openSession(inbox id: InboxID, _ request: SessionRequest, from address: String?) async throws -> OpenedSession {
        guard sessionsPerIP.allow(address ?? "unknown") else {
            throw ServiceError.rateLimited("Too many chat sessions from this address; try again in a minute.")
        }
        let inbox = try await webChatInbox(id)
        if let name = request.name { try Validate.text(name, field: "name", max: 200) }
        if let email = request.email { try Validate.email(email) }
        let identity = try verifiedIdentity(request, inbox: inbox)
        let token = Secrets.token()
        let written = try await storage.workspace(inbox.workspaceID).createVisitorSession(NewVisitorSession(
            inboxID: id, tokenDigest: Secrets.digest(token), identity: identity,
            name: request.name?.trimmingWhitespace(), email: request.email))
        events.publish(written.events)
        return OpenedSession(token: token, session: written.value)
    }

    private func verifiedIdentity(_ request: SessionRequest, inbox: Inbox) throws -> NewVisitorSession.Identity {
        let required = inbox.settings["require_identity_verification"] == .bool(true)
        guard let identifier = request.identifier else {
            if required { throw ServiceError.unauthenticated("This chat needs a verified identity: send identifier and identifier_hash.") }
            return .anonymous
        }
        try Validate.text(identifier, field: "identifier", max: 255)
        guard let hash = request.identifierHash else {
            if required { throw ServiceError.unauthenticated("identifier_hash is missing; this chat verifies identities.") }
            // Without the business's signature an identifier proves nothing: the visitor stays anonymous.
            return .anonymous
        }
        guard let secret = inbox.settings["hmac_secret"]?.stringValue,
              IdentityVerifier.isValid(identifier: identifier, hash: hash, secret: secret)
        else { throw ServiceError.unauthenticated("identifier_hash does not match the identifier.") }
        return .verified(identifier: identifier)
    }

    /// The session a visitor token stands for, in this inbox; 401 otherwise.
    public func session(token: String, inbox: InboxID) async throws -> VisitorSession {
        guard !token.isEmpty, token.count <= 256,
              let session = try await storage.directory.visitorSession(tokenDigest: Secrets.digest(token)),
              session.inboxID == inbox
        else { throw ServiceError.unauthenticated("The visitor token is missing or unknown; open a new session.") }
        return session
    }

    /// The visitor's current conversation and its latest public messages, oldest first.
    public func history(of session: VisitorSession) async throws -> (conversation: ConversationID?, messages: [Message]) {
        let store = storage.workspace(session.workspaceID)
        guard let conversation = try await store.latestConversation(of: session.contactID, in: session.inboxID)
        else { return (nil, []) }
        var messages: [Message] = []
        var page = PageRequest(limit: PageRequest.maxLimit, cursor: nil)
        repeat {
            let fetched = try await store.messages(in: conversation.id, page: page)
            messages.append(contentsOf: fetched.items.filter { !$0.isPrivate })
            if messages.count > Self.historyLimit { messages.removeFirst(messages.count - Self.historyLimit) }
            page = PageRequest(limit: PageRequest.maxLimit, cursor: fetched.nextCursor)
        } while page.cursor != nil
        return (conversation.id, messages)
    }

    /// Stores a visitor's message and returns it once committed. The same `clientID` again returns
    /// the first message: that is what makes the widget's resend after a reconnect safe. The socket it
    /// came through (`via`) is acknowledged by its caller and so is not sent the message again.
    public func send(_ content: String, attachments: [AttachmentID] = [], clientID: String, from session: VisitorSession,
                     address: String?, via connection: VisitorHub.Connection? = nil) async throws -> Message {
        guard (1...64).contains(clientID.count) else {
            throw ServiceError.invalidField(field: "client_id", message: "client_id must be 1 to 64 characters.")
        }
        try Validate.messageBody(content, attachments: attachments, max: limits.maxMessageLength)
        guard messagesPerVisitor.allow(session.externalID), messagesPerIP.allow(address ?? "unknown") else {
            throw ServiceError.rateLimited("You are sending messages too fast; wait a moment.")
        }
        let externalID = Self.externalID(clientID, of: session)
        // Before the write: the event may reach the hub before this call returns.
        connection?.expectOwn(externalID)
        let result: IngestResult
        do {
            result = try await storage.workspace(session.workspaceID).appendIncoming(IncomingMessage(
                inboxID: session.inboxID, externalID: externalID,
                contact: ContactDraft(externalID: session.externalID, name: nil, email: nil, phone: nil),
                content: content, sentAt: nil, attachmentIDs: attachments))
        } catch {
            connection?.forgetOwn(externalID)
            throw error
        }
        if result.isDuplicate { connection?.forgetOwn(externalID) }
        events.publish(result.events)
        return result.message
    }

    /// Whether the visitor may upload another file now: uploads count against the message limits.
    public func allowUpload(from session: VisitorSession, address: String?) -> Bool {
        messagesPerVisitor.allow(session.externalID) && messagesPerIP.allow(address ?? "unknown")
    }

    /// Tells the agents that the visitor is (no longer) typing; extra signals are dropped.
    public func typing(_ isTyping: Bool, in conversation: ConversationID?, from session: VisitorSession) {
        guard typingPerVisitor.allow(session.externalID) else { return }
        signals.publish(.typing(.init(workspaceID: session.workspaceID, inboxID: session.inboxID, conversationID: conversation,
                                      contactID: session.contactID, actor: .contact(session.contactID), isTyping: isTyping)))
    }

    /// The visitor has seen the agents' replies in their conversation so far: they become `read`, and
    /// the agents learn it (`message.updated`). Rate-limited with typing: the widget sends it when its
    /// panel shows new replies, so extra ones carry nothing.
    public func read(_ conversation: ConversationID, from session: VisitorSession, now: Date = Date()) async throws {
        guard typingPerVisitor.allow(session.externalID) else { return }
        let written = try await storage.workspace(session.workspaceID).markRepliesRead(in: conversation, through: now)
        events.publish(written.events)
    }

    /// Registers the visitor's socket for the messages and signals meant for it.
    public func connect(_ session: VisitorSession, sink: any VisitorSink) -> VisitorHub.Connection {
        hub.connect(session, sink: sink)
    }

    public func agentsOnline(_ session: VisitorSession) -> Bool { presence.anyAgentOnline(in: session.workspaceID) }

    /// The name a visitor sees for a message's sender: the agent's name, nil for the visitor themselves.
    public func senderName(of message: Message, in workspace: WorkspaceID) async -> String? {
        guard message.sender.kind == .agent, let id = message.sender.id else { return nil }
        return await agentNames.name(of: AgentID(id), in: workspace)
    }

    /// The `client_id` the visitor gave a message of theirs, nil for anyone else's message.
    public static func clientID(of message: Message, in session: VisitorSession) -> String? {
        let prefix = session.externalID + "/"
        guard let external = message.externalID, external.hasPrefix(prefix) else { return nil }
        return String(external.dropFirst(prefix.count))
    }

    /// The message's idempotency key: the visitor's identity and the widget's client id.
    static func externalID(_ clientID: String, of session: VisitorSession) -> String { session.externalID + "/" + clientID }

    private func webChatInbox(_ id: InboxID) async throws -> Inbox {
        guard let inbox = try await storage.directory.inboundInbox(id)?.inbox, inbox.channel == .webChat
        else { throw ServiceError.notFound("web chat inbox") }
        return inbox
    }
}
