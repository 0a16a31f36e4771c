import Foundation

/// An agent's edit of a conversation: each field left nil stays as it is.
///
/// `assignee` and `team` are double optionals: `.some(nil)` unassigns, `nil` leaves alone.
public struct ConversationChange: Sendable, Hashable {
    public var status: ConversationStatus?
    public var assignee: AgentID??
    public var team: TeamID??
    public var priority: ConversationPriority?
    public var labels: [String]?
    public var snoozedUntil: Date?

    public init(status: ConversationStatus? = nil, assignee: AgentID?? = nil, team: TeamID?? = nil,
                priority: ConversationPriority? = nil, labels: [String]? = nil, snoozedUntil: Date? = nil) {
        self.status = status
        self.assignee = assignee
        self.team = team
        self.priority = priority
        self.labels = labels
        self.snoozedUntil = snoozedUntil
    }

    public var isEmpty: Bool {
        status == nil && assignee == nil && team == nil && priority == nil && labels == nil && snoozedUntil == nil
    }
}
