import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// Reading and writing rows of `conversations`. The last message is kept on the row so the inbox
/// list reads one table.
enum ConversationRow {
    /// The columns `conversation(_:)` reads, qualified by the alias `c`.
    static let columns = """
        c.id, c.workspace_id, c.number, c.inbox_id, c.channel, c.contact_id, c.status, c.priority, c.assignee_id,
        c.team_id, c.labels, c.snoozed_until, c.unread_count, c.last_message_content, c.last_message_at,
        c.last_message_direction, c.created_at, c.last_activity_at, c.first_response_at, c.waiting_since, c.resolved_at
        """

    static func conversation(_ row: Columns) throws -> Conversation {
        var preview: MessagePreview?
        if let content = try row("last_message_content", as: String?.self),
           let at = try row("last_message_at", as: Int64?.self),
           let direction = try row("last_message_direction", as: String?.self).flatMap(MessageDirection.init(rawValue:)) {
            preview = MessagePreview(content: content, createdAt: Timestamp.date(at), direction: direction)
        }
        return Conversation(
            id: ConversationID(try row("id")), workspaceID: WorkspaceID(try row("workspace_id")),
            number: Int(try row("number", as: Int64.self)), inboxID: InboxID(try row("inbox_id")),
            channel: ChannelKind(rawValue: try row("channel")) ?? .api, contactID: ContactID(try row("contact_id")),
            status: ConversationStatus(rawValue: try row("status")) ?? .open,
            priority: ConversationPriority(rawValue: try row("priority")) ?? .none,
            assigneeID: try row("assignee_id", as: String?.self).map { AgentID($0) },
            teamID: try row("team_id", as: String?.self).map { TeamID($0) },
            labels: try JSONColumn.decode([String].self, from: try row("labels")),
            snoozedUntil: Timestamp.date(try row("snoozed_until", as: Int64?.self)),
            unreadCount: Int(try row("unread_count", as: Int64.self)), lastMessage: preview,
            createdAt: Timestamp.date(try row("created_at", as: Int64.self)),
            lastActivityAt: Timestamp.date(try row("last_activity_at", as: Int64.self)),
            firstResponseAt: Timestamp.date(try row("first_response_at", as: Int64?.self)),
            waitingSince: Timestamp.date(try row("waiting_since", as: Int64?.self)),
            resolvedAt: Timestamp.date(try row("resolved_at", as: Int64?.self)))
    }

    /// A conversation with its contact's name, as lists show it (`contact_name` joined in).
    static func summary(_ row: Columns) throws -> ConversationSummary {
        let conversation = try conversation(row)
        return ConversationSummary(conversation: conversation,
                                   contact: ContactName(id: conversation.contactID, name: try row("contact_name")))
    }

    /// The conversation, locked until the transaction ends so concurrent edits apply one after another.
    static func lock(_ id: ConversationID, workspace: WorkspaceID, in session: Session) async throws -> Conversation {
        guard let conversation = try await session.row("""
            SELECT \(unescaped: columns) FROM conversations c
            WHERE c.workspace_id = \(workspace.rawValue) AND c.id = \(id.rawValue) FOR UPDATE
            """, conversation)
        else { throw StorageError.notFound("conversation") }
        return conversation
    }

    static func insert(_ c: Conversation, in session: Session) async throws {
        try await session.run("""
            INSERT INTO conversations (id, workspace_id, number, inbox_id, channel, contact_id, status, priority, assignee_id,
                team_id, labels, snoozed_until, unread_count, created_at, last_activity_at)
            VALUES (\(c.id.rawValue), \(c.workspaceID.rawValue), \(Int64(c.number)), \(c.inboxID.rawValue), \(c.channel.rawValue),
                \(c.contactID.rawValue), \(c.status.rawValue), \(c.priority.rawValue), \(c.assigneeID?.rawValue),
                \(c.teamID?.rawValue), \(try JSONColumn.encode(c.labels)), \(c.snoozedUntil.map(Timestamp.milliseconds)),
                \(Int64(c.unreadCount)), \(Timestamp.milliseconds(c.createdAt)), \(Timestamp.milliseconds(c.lastActivityAt)))
            """)
    }

    /// Writes every mutable column.
    static func update(_ c: Conversation, in session: Session) async throws {
        var statement = StatementBuilder()
        try update(c, into: &statement)
        try await session.run(statement.query)
    }

    /// Appends the `UPDATE` that writes every mutable column.
    static func update(_ c: Conversation, into s: inout StatementBuilder) throws {
        let assignments = [
            ("contact_id", try s.bind(c.contactID.rawValue)), ("status", try s.bind(c.status.rawValue)),
            ("priority", try s.bind(c.priority.rawValue)), ("assignee_id", try s.bind(c.assigneeID?.rawValue)),
            ("team_id", try s.bind(c.teamID?.rawValue)), ("labels", try s.bind(try JSONColumn.encode(c.labels))),
            ("snoozed_until", try s.bind(c.snoozedUntil.map(Timestamp.milliseconds))),
            ("unread_count", try s.bind(Int64(c.unreadCount))), ("last_message_content", try s.bind(c.lastMessage?.content)),
            ("last_message_at", try s.bind(c.lastMessage.map { Timestamp.milliseconds($0.createdAt) })),
            ("last_message_direction", try s.bind(c.lastMessage?.direction.rawValue)),
            ("last_activity_at", try s.bind(Timestamp.milliseconds(c.lastActivityAt))),
            ("first_response_at", try s.bind(c.firstResponseAt.map(Timestamp.milliseconds))),
            ("waiting_since", try s.bind(c.waitingSince.map(Timestamp.milliseconds))),
            ("resolved_at", try s.bind(c.resolvedAt.map(Timestamp.milliseconds))),
        ]
        let workspace = try s.bind(c.workspaceID.rawValue), id = try s.bind(c.id.rawValue)
        s.append("UPDATE conversations SET \(assignments.map { "\($0) = \($1)" }.joined(separator: ", "))"
                 + " WHERE workspace_id = \(workspace) AND id = \(id)")
    }
}
