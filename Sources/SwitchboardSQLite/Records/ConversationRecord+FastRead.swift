import GRDB

/// Reading one conversation on the write path by column position (see ``PositionedRow``).
extension ConversationRecord {
    /// The columns ``fetchFirst(_:arguments:)`` reads, in order; a statement it runs selects these first.
    static let selection = """
        id, workspace_id, number, inbox_id, channel, contact_id, status, priority, assignee_id, team_id, labels,
        snoozed_until, unread_count, last_message_content, last_message_at, last_message_direction, created_at,
        last_activity_at, first_response_at, waiting_since, resolved_at
        """

    /// The first row of `statement` (which selects ``selection`` first), or nil when it has none.
    static func fetchFirst(_ statement: Statement, arguments: StatementArguments) throws -> ConversationRecord? {
        try PositionedRow.first(statement, arguments: arguments) { id, row in try ConversationRecord(id: id, row: row) }
    }

    private init(id: String, row c: PositionedRow) throws {
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
