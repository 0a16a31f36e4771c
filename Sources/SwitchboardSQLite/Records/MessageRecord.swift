import GRDB
import SwitchboardCore
import SwitchboardStore

/// A row of `messages`.
struct MessageRecord: SnakeCaseRecord {
    static let databaseTableName = "messages"

    var id: String
    var workspaceId: String
    var conversationId: String
    var inboxId: String
    var direction: String
    var senderKind: String
    var senderId: String?
    var `private`: Bool
    var content: String
    /// The message's attachments as JSON (their records, kept with the row so pages read one table).
    var attachments: String
    var status: String
    var externalId: String?
    var createdAt: Int64

    /// Decodes by column name without Codable: message pages are read often.
    init(row: Row) throws {
        id = row["id"]
        workspaceId = row["workspace_id"]
        conversationId = row["conversation_id"]
        inboxId = row["inbox_id"]
        direction = row["direction"]
        senderKind = row["sender_kind"]
        senderId = row["sender_id"]
        `private` = row["private"]
        content = row["content"]
        attachments = row["attachments"] ?? "[]"
        status = row["status"]
        externalId = row["external_id"]
        createdAt = row["created_at"]
    }

    init(_ m: Message, inboxID: InboxID) throws {
        id = m.id.rawValue
        workspaceId = m.workspaceID.rawValue
        conversationId = m.conversationID.rawValue
        inboxId = inboxID.rawValue
        direction = m.direction.rawValue
        senderKind = m.sender.kind.rawValue
        senderId = m.sender.id
        `private` = m.isPrivate
        content = m.content
        attachments = m.attachments.isEmpty ? "[]" : try JSONColumn.encode(m.attachments)
        status = m.status.rawValue
        externalId = m.externalID
        createdAt = Timestamp.milliseconds(m.createdAt)
    }

    var message: Message {
        Message(id: MessageID(id), workspaceID: WorkspaceID(workspaceId), conversationID: ConversationID(conversationId),
                direction: MessageDirection(rawValue: direction) ?? .incoming,
                sender: MessageSender(kind: MessageSender.Kind(rawValue: senderKind) ?? .system, id: senderId),
                isPrivate: `private`, content: content,
                attachments: attachments == "[]" ? [] : (try? JSONColumn.decode([Attachment].self, from: attachments)) ?? [],
                status: DeliveryStatus(rawValue: status) ?? .sent,
                externalID: externalId, createdAt: Timestamp.date(createdAt))
    }

    /// Inserts the row through a cached statement: the hot path of ingest, where GRDB's Codable
    /// encoding was a measurable share of the write.
    func insertRow(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO messages (id, workspace_id, conversation_id, inbox_id, direction, sender_kind, sender_id,
                                  private, content, attachments, status, external_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, workspaceId, conversationId, inboxId, direction, senderKind, senderId,
                                     `private`, content, attachments, status, externalId, createdAt])
    }
}
