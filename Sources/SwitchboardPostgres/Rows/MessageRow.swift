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

    /// Appends the `INSERT … RETURNING id` of the message; for one with an external id, the insert
    /// happens only if that id is new in the inbox, and returns no row when an earlier delivery holds it.
    static func insert(_ m: Message, inbox: InboxID, into s: inout StatementBuilder) throws {
        let attachments = m.attachments.isEmpty ? "[]" : try JSONColumn.encode(m.attachments)
        let values = [
            try s.bind(m.id.rawValue), try s.bind(m.workspaceID.rawValue), try s.bind(m.conversationID.rawValue),
            try s.bind(inbox.rawValue), try s.bind(m.direction.rawValue), try s.bind(m.sender.kind.rawValue),
            try s.bind(m.sender.id), try s.bind(m.isPrivate), try s.bind(m.content), try s.bind(attachments),
            try s.bind(m.status.rawValue), try s.bind(m.externalID), try s.bind(Timestamp.milliseconds(m.createdAt)),
            "to_tsvector('simple', \(try s.bind(SearchText.document(m.content))))",
        ]
        s.append("""
            INSERT INTO messages (id, workspace_id, conversation_id, inbox_id, direction, sender_kind, sender_id, private,
                content, attachments, status, external_id, created_at, search_vector)
            VALUES (\(values.joined(separator: ", ")))
            ON CONFLICT (workspace_id, inbox_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
            RETURNING id
            """)
    }
}
