/// Something momentary that screens show but nobody replays: typing and presence.
///
/// Signals are not written to the event log (a keystroke is not worth an fsync); a client that was
/// offline when one was sent simply never sees it.
public enum LiveSignal: Sendable, Hashable, Codable {
    /// Someone is (or stopped) typing in a conversation.
    case typing(Typing)
    /// An agent came online, went away or went offline.
    case presence(Presence)

    public var workspaceID: WorkspaceID {
        switch self {
        case .typing(let typing): typing.workspaceID
        case .presence(let presence): presence.workspaceID
        }
    }

    public struct Typing: Sendable, Hashable, Codable {
        public let workspaceID: WorkspaceID
        public let inboxID: InboxID
        public let conversationID: ConversationID?
        /// The customer of the conversation: where a visitor's socket finds it.
        public let contactID: ContactID
        /// Who types: the contact or an agent.
        public let actor: MessageSender
        public let isTyping: Bool

        public init(workspaceID: WorkspaceID, inboxID: InboxID, conversationID: ConversationID?, contactID: ContactID,
                    actor: MessageSender, isTyping: Bool) {
            self.workspaceID = workspaceID
            self.inboxID = inboxID
            self.conversationID = conversationID
            self.contactID = contactID
            self.actor = actor
            self.isTyping = isTyping
        }
    }

    public struct Presence: Sendable, Hashable, Codable {
        public let workspaceID: WorkspaceID
        public let agentID: AgentID
        public let status: PresenceStatus
        /// Whether any agent of the workspace is online after this change (what visitors are told).
        public let anyAgentOnline: Bool
        /// The node whose sockets changed: presence is kept per node, and an agent is online anywhere
        /// if any node has them online.
        public let node: String?

        public init(workspaceID: WorkspaceID, agentID: AgentID, status: PresenceStatus, anyAgentOnline: Bool,
                    node: String? = nil) {
            self.workspaceID = workspaceID
            self.agentID = agentID
            self.status = status
            self.anyAgentOnline = anyAgentOnline
            self.node = node
        }
    }
}

/// An agent's availability as the workspace sees it.
public enum PresenceStatus: String, Sendable, Codable, CaseIterable {
    case online, away, offline
}
