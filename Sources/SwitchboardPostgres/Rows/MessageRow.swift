import PostgresNIO
import SwitchboardCore

/// Reading and writing rows of `messages`. A message's attachments are kept on its row as JSON, so
/// pages read one table.
enum MessageRow {
    static let columns = """
        m.id, m.workspace_id, m.conversation_id, m.direction, m.sender_kind, m.sender_id, m.private, m.content,
        m.attachments, m.status, m.external_id, m.created_at
        """

    static func message(_ row: Columns) throws -> Message {
        let attachments: String = try row("attachments")
        return Message(
            id: MessageID(try row("id")), workspaceID: WorkspaceID(try row("workspace_id")),
            conversationID: ConversationID(try row("conversation_id")),
            direction: MessageDirection(rawValue: try row("direction")) ?? .incoming,
            sender: MessageSender(kind: MessageSender.Kind(rawValue: try row("sender_kind")) ?? .system,
                                  id: try row("sender_id", as: String?.self)),
            isPrivate: try row("private"), content: try row("content"),
            attachments: attachments == "[]" ? [] : try JSONColumn.decode([Attachment].self, from: attachments),
            status: DeliveryStatus(rawValue: try row("status")) ?? .sent,
            externalID: try row("external_id", as: String?.self), createdAt: Timestamp.date(try row("created_at", as: Int64.self)))
    }

    /// Inserts the message; for one with an external id, only if that id is new in the inbox.
    /// Returns false when an earlier delivery already holds the external id.
    static func insert(_ m: Message, inbox: InboxID, in session: Session) async throws -> Bool {
        let attachments = m.attachments.isEmpty ? "[]" : try JSONColumn.encode(m.attachments)
        return try await session.count("""
            INSERT INTO messages (id, workspace_id, conversation_id, inbox_id, direction, sender_kind, sender_id, private,
                content, attachments, status, external_id, created_at, search_vector)
            VALUES (\(m.id.rawValue), \(m.workspaceID.rawValue), \(m.conversationID.rawValue), \(inbox.rawValue),
                \(m.direction.rawValue), \(m.sender.kind.rawValue), \(m.sender.id), \(m.isPrivate), \(m.content), \(attachments),
                \(m.status.rawValue), \(m.externalID), \(Timestamp.milliseconds(m.createdAt)),
                to_tsvector('simple', \(SearchText.document(m.content))))
            ON CONFLICT (workspace_id, inbox_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
            RETURNING id
            """) == 1
    }
}
