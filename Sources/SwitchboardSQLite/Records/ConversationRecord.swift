import GRDB
import SwitchboardCore
import SwitchboardStore

/// A row of `conversations`. The last message is kept on the row so the inbox list reads one table.
struct ConversationRecord: SnakeCaseRecord {
    static let databaseTableName = "conversations"

    var id: String
    var workspaceId: String
    var number: Int
    var inboxId: String
    var channel: String
    var contactId: String
    var status: String
    var priority: String
    var assigneeId: String?
    var teamId: String?
    var labels: String
    var snoozedUntil: Int64?
    var unreadCount: Int
    var lastMessageContent: String?
    var lastMessageAt: Int64?
    var lastMessageDirection: String?
    var createdAt: Int64
    var lastActivityAt: Int64
    var firstResponseAt: Int64?
    var waitingSince: Int64?
    var resolvedAt: Int64?

    /// Decodes by column name without Codable: rows are read on every ingest and list request.
    init(row: Row) throws {
        id = row["id"]
        workspaceId = row["workspace_id"]
        number = row["number"]
        inboxId = row["inbox_id"]
        channel = row["channel"]
        contactId = row["contact_id"]
        status = row["status"]
        priority = row["priority"]
        assigneeId = row["assignee_id"]
        teamId = row["team_id"]
        labels = row["labels"]
        snoozedUntil = row["snoozed_until"]
        unreadCount = row["unread_count"]
        lastMessageContent = row["last_message_content"]
        lastMessageAt = row["last_message_at"]
        lastMessageDirection = row["last_message_direction"]
        createdAt = row["created_at"]
        lastActivityAt = row["last_activity_at"]
        firstResponseAt = row["first_response_at"]
        waitingSince = row["waiting_since"]
        resolvedAt = row["resolved_at"]
    }

    init(_ c: Conversation) throws {
        id = c.id.rawValue
        workspaceId = c.workspaceID.rawValue
        number = c.number
        inboxId = c.inboxID.rawValue
        channel = c.channel.rawValue
        contactId = c.contactID.rawValue
        status = c.status.rawValue
        priority = c.priority.rawValue
        assigneeId = c.assigneeID?.rawValue
        teamId = c.teamID?.rawValue
        // Most conversations carry no labels; skip the encoder on the ingest path for them.
        labels = c.labels.isEmpty ? "[]" : try JSONColumn.encode(c.labels)
        snoozedUntil = c.snoozedUntil.map(Timestamp.milliseconds)
        unreadCount = c.unreadCount
        lastMessageContent = c.lastMessage?.content
        lastMessageAt = c.lastMessage.map { Timestamp.milliseconds($0.createdAt) }
        lastMessageDirection = c.lastMessage?.direction.rawValue
        createdAt = Timestamp.milliseconds(c.createdAt)
        lastActivityAt = Timestamp.milliseconds(c.lastActivityAt)
        firstResponseAt = c.firstResponseAt.map(Timestamp.milliseconds)
        waitingSince = c.waitingSince.map(Timestamp.milliseconds)
        resolvedAt = c.resolvedAt.map(Timestamp.milliseconds)
    }

    func conversation() throws -> Conversation {
        var preview: MessagePreview?
        if let lastMessageContent, let lastMessageAt,
           let direction = lastMessageDirection.flatMap(MessageDirection.init(rawValue:)) {
            preview = MessagePreview(content: lastMessageContent, createdAt: Timestamp.date(lastMessageAt),
                                     direction: direction)
        }
        return Conversation(
            id: ConversationID(id), workspaceID: WorkspaceID(workspaceId), number: number, inboxID: InboxID(inboxId),
            channel: ChannelKind(rawValue: channel) ?? .api, contactID: ContactID(contactId),
            status: ConversationStatus(rawValue: status) ?? .open,
            priority: ConversationPriority(rawValue: priority) ?? .none,
            assigneeID: assigneeId.map { AgentID($0) }, teamID: teamId.map { TeamID($0) },
            labels: labels == "[]" ? [] : try JSONColumn.decode([String].self, from: labels),
            snoozedUntil: Timestamp.date(snoozedUntil), unreadCount: unreadCount, lastMessage: preview,
            createdAt: Timestamp.date(createdAt), lastActivityAt: Timestamp.date(lastActivityAt),
            firstResponseAt: Timestamp.date(firstResponseAt), waitingSince: Timestamp.date(waitingSince),
            resolvedAt: Timestamp.date(resolvedAt))
    }

    /// Writes the columns a new message can change (``Conversation/receiving(_:)`` and
    /// ``Conversation/sending(_:)``): the hot path of ingest and replies. SQLite rewrites every index
    /// with a column named in the SET list, changed or not, so naming the contact and the assignee here
    /// would cost a page of `conversations_by_contact` and `conversations_by_assignee` per message.
    func updateActivity(_ db: Database) throws {
        try db.cachedStatement(sql: Self.updateActivitySQL).execute(arguments: [
            status, snoozedUntil, unreadCount, lastMessageContent, lastMessageAt, lastMessageDirection, lastActivityAt,
            firstResponseAt, waitingSince, id])
    }

    /// The columns ``updateActivity(_:)`` writes, in the order of its arguments.
    static let activityColumns = ["status", "snoozed_until", "unread_count", "last_message_content", "last_message_at",
                                  "last_message_direction", "last_activity_at", "first_response_at", "waiting_since"]
    private static let updateActivitySQL =
        "UPDATE conversations SET " + activityColumns.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?"

    /// Writes every mutable column through a cached statement.
    func updateRow(_ db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE conversations SET contact_id = ?, status = ?, priority = ?, assignee_id = ?, team_id = ?, labels = ?,
                snoozed_until = ?, unread_count = ?, last_message_content = ?, last_message_at = ?,
                last_message_direction = ?, last_activity_at = ?, first_response_at = ?, waiting_since = ?, resolved_at = ?
            WHERE id = ?
            """).execute(arguments: [contactId, status, priority, assigneeId, teamId, labels, snoozedUntil, unreadCount,
                                     lastMessageContent, lastMessageAt, lastMessageDirection, lastActivityAt,
                                     firstResponseAt, waitingSince, resolvedAt, id])
    }
}
