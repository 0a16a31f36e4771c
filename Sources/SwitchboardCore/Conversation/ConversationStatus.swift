/// Where a conversation stands.
public enum ConversationStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for an agent.
    case open
    /// Waiting for the customer or a third party.
    case pending
    /// Put aside until a time; a new customer message brings it back.
    case snoozed
    /// Done. A later customer message starts a new conversation.
    case resolved

    /// Whether a new customer message joins this conversation rather than opening a new one.
    public var acceptsIncomingMessages: Bool { self != .resolved }
}
