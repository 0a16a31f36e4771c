import PostgresNIO
import SwitchboardCore

/// A new message, its conversation's state after it and its events, written as one statement
/// (data-modifying CTEs). Each statement is a round trip, and round trips are what a node spends
/// most of its time on (BENCHMARKS.md), so storing a message costs one instead of three.
enum MessageWrite {
    /// The appended events (with `sequence` 0); nil when an earlier delivery already holds the
    /// message's external id. The conversation and events were then written all the same, so the
    /// caller must roll the transaction back (throw ``WriteConflict``, which also runs it again).
    static func record(_ message: Message, inbox: InboxID, conversation: Conversation, events pending: [PendingEvent],
                       workspace: WorkspaceID, in session: Session) async throws -> [DomainEvent]? {
        var statement = StatementBuilder()
        statement.append("WITH inserted AS (")
        try MessageRow.insert(message, inbox: inbox, into: &statement)
        statement.append("), updated AS (")
        try ConversationRow.update(conversation, into: &statement)
        statement.append(")")
        var events: [DomainEvent] = []
        if !pending.isEmpty {
            statement.append(", logged AS (")
            events = try EventRow.append(pending, workspace: workspace, into: &statement)
            statement.append(")")
        }
        statement.append(" SELECT count(*) FROM inserted")
        guard try await session.value(statement.query, as: Int64.self) == 1 else { return nil }
        return events
    }
}
