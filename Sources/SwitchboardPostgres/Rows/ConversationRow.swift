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
        var placeholders = Placeholders()
        var binds = PostgresBindings()
        try bindUpdate(c, into: &binds)
        try await session.run(PostgresQuery(unsafeSQL: updateSQL(&placeholders), binds: binds))
    }

    static let updatedColumns = [
        "contact_id", "status", "priority", "assignee_id", "team_id", "labels", "snoozed_until", "unread_count",
        "last_message_content", "last_message_at", "last_message_direction", "last_activity_at", "first_response_at",
        "waiting_since", "resolved_at",
    ]

    /// The `UPDATE` that writes every mutable column, its values bound by ``bindUpdate(_:into:)``.
    static func updateSQL(_ placeholders: inout Placeholders) -> String {
        let assignments = zip(updatedColumns, placeholders.take(updatedColumns.count)).map { "\($0) = \($1)" }
        let (workspace, id) = (placeholders.take(), placeholders.take())
        return "UPDATE conversations SET \(assignments.joined(separator: ", ")) WHERE workspace_id = \(workspace) AND id = \(id)"
    }

    /// The values of ``updateSQL(_:)``, in the order of ``updatedColumns``, then workspace and id.
    static func bindUpdate(_ c: Conversation, into binds: inout PostgresBindings) throws {
        binds.append(c.contactID.rawValue)
        binds.append(c.status.rawValue)
        binds.append(c.priority.rawValue)
        binds.append(c.assigneeID?.rawValue)
        binds.append(c.teamID?.rawValue)
        binds.append(try JSONColumn.encode(c.labels))
        binds.append(c.snoozedUntil.map(Timestamp.milliseconds))
        binds.append(Int64(c.unreadCount))
        binds.append(c.lastMessage?.content)
        binds.append(c.lastMessage.map { Timestamp.milliseconds($0.createdAt) })
        binds.append(c.lastMessage?.direction.rawValue)
        binds.append(Timestamp.milliseconds(c.lastActivityAt))
        binds.append(c.firstResponseAt.map(Timestamp.milliseconds))
        binds.append(c.waitingSince.map(Timestamp.milliseconds))
        binds.append(c.resolvedAt.map(Timestamp.milliseconds))
        binds.append(c.workspaceID.rawValue)
        binds.append(c.id.rawValue)
    }
}
