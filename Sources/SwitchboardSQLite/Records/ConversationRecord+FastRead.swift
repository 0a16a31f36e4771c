import GRDB

/// Reading one conversation by column position (see ``PositionedRow``): ingest, replies, the read by id.
extension ConversationRecord {
    /// The columns ``init(id:row:)`` reads, in order; a statement selects these first.
    static let columns = [
        "id", "workspace_id", "number", "inbox_id", "channel", "contact_id", "status", "priority", "assignee_id",
        "team_id", "labels", "snoozed_until", "unread_count", "last_message_content", "last_message_at",
        "last_message_direction", "created_at", "last_activity_at", "first_response_at", "waiting_since", "resolved_at",
    ]
    /// ``columns`` as a select list.
    static let selection = PositionedRow.selectList(columns)

    /// ``columns`` as a select list of the table named `alias` (for joins).
    static func selection(of alias: String) -> String { PositionedRow.selectList(columns, of: alias) }

    /// The first row of `statement` (which selects ``selection`` first), or nil when it has none.
    static func fetchFirst(_ statement: Statement, arguments: StatementArguments) throws -> ConversationRecord? {
        try PositionedRow.first(statement, arguments: arguments) { id, row in try ConversationRecord(id: id, row: row) }
    }

    /// Reads ``columns`` from a row positioned by ``PositionedRow/first(_:arguments:read:)``, whose first
    /// column (the id) it was handed; further columns are the caller's, from `columns.count` on.
    init(id: String, row c: PositionedRow) throws {
        self.id = id
        workspaceId = try c.required(1)
        number = try c.required(2)
        inboxId = try c.required(3)
        channel = try c.required(4)
        contactId = try c.required(5)
        status = try c.required(6)
        priority = try c.required(7)
        assigneeId = c.optional(8)
        teamId = c.optional(9)
        labels = try c.required(10)
        snoozedUntil = c.optional(11)
        unreadCount = try c.required(12)
        lastMessageContent = c.optional(13)
        lastMessageAt = c.optional(14)
        lastMessageDirection = c.optional(15)
        createdAt = try c.required(16)
        lastActivityAt = try c.required(17)
        firstResponseAt = c.optional(18)
        waitingSince = c.optional(19)
        resolvedAt = c.optional(20)
    }
}
