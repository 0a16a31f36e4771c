import PostgresNIO
import SwitchboardCore

/// A new message, its conversation's state after it and its events, written as one statement
/// (data-modifying CTEs) that each connection prepares once. Each statement is a round trip, and
/// planning the same text again for every message cost PostgreSQL as much time as running it
/// (BENCHMARKS.md), so storing a message costs one round trip and no planning.
struct MessageWrite: PostgresPreparedStatement {
    typealias Row = Int64

    static let sql: String = {
        var placeholders = Placeholders()
        return """
            WITH inserted AS (\(MessageRow.insertSQL(&placeholders))),
            updated AS (\(ConversationRow.updateSQL(&placeholders))),
            logged AS (\(EventRow.appendSQL(&placeholders)))
            SELECT count(*) FROM inserted
            """
    }()

    let message: Message
    let inbox: InboxID
    let conversation: Conversation
    let pending: [PendingEvent]

    func makeBindings() throws -> PostgresBindings {
        var binds = PostgresBindings(capacity: 40)
        try MessageRow.bindInsert(message, inbox: inbox, into: &binds)
        try ConversationRow.bindUpdate(conversation, into: &binds)
        _ = try EventRow.bindAppend(pending, workspace: message.workspaceID, into: &binds)
        return binds
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }

    /// Writes `message`, `conversation` and `events`. Returns the appended events (with `sequence` 0),
    /// or nil when an earlier delivery already holds the message's external id: the conversation and
    /// events were then written all the same, so the caller must roll the transaction back (throw
    /// ``WriteConflict``, which also runs it again).
    static func record(_ message: Message, inbox: InboxID, conversation: Conversation, events pending: [PendingEvent],
                       in session: Session) async throws -> [DomainEvent]? {
        let statement = MessageWrite(message: message, inbox: inbox, conversation: conversation, pending: pending)
        guard try await session.execute(statement).first == 1 else { return nil }
        return pending.map { $0.event(in: message.workspaceID) }
    }
}
