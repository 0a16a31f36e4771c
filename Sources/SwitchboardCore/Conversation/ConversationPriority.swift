/// How urgent a conversation is.
public enum ConversationPriority: String, Sendable, Codable, CaseIterable {
    case none
    case low
    case medium
    case high
    case urgent
}
