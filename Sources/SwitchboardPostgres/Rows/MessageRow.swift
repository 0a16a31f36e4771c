import PostgresNIO
import SwitchboardCore
import SwitchboardStore

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

    static func load(_ id: MessageID, workspace: WorkspaceID, in session: Session) async throws -> Message? {
        try await session.row("""
            SELECT \(unescaped: columns) FROM messages m WHERE m.workspace_id = \(workspace.rawValue) AND m.id = \(id.rawValue)
            """, message)
    }

    /// The `INSERT … RETURNING id` of a message, its values bound by ``bindInsert(_:inbox:into:)``. For a
    /// message with an external id the insert happens only if that id is new in the inbox, and returns
    /// no row when an earlier delivery holds it.
    static func insertSQL(_ placeholders: inout Placeholders) -> String {
        let values = placeholders.take(13)
        return """
            INSERT INTO messages (id, workspace_id, conversation_id, inbox_id, direction, sender_kind, sender_id, private,
                content, attachments, status, external_id, created_at, search_vector)
            VALUES (\(values.joined(separator: ", ")), to_tsvector('simple', \(placeholders.take())))
            ON CONFLICT (workspace_id, inbox_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
            RETURNING id
            """
    }

    static func bindInsert(_ m: Message, inbox: InboxID, into binds: inout PostgresBindings) throws {
        binds.append(m.id.rawValue)
        binds.append(m.workspaceID.rawValue)
        binds.append(m.conversationID.rawValue)
        binds.append(inbox.rawValue)
        binds.append(m.direction.rawValue)
        binds.append(m.sender.kind.rawValue)
        binds.append(m.sender.id)
        binds.append(m.isPrivate)
        binds.append(m.content)
        binds.append(m.attachments.isEmpty ? "[]" : try JSONColumn.encode(m.attachments))
        binds.append(m.status.rawValue)
        binds.append(m.externalID)
        binds.append(Timestamp.milliseconds(m.createdAt))
        binds.append(SearchText.document(m.content))
    }
}
