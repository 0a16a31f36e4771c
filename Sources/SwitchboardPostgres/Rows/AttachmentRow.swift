import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// Reading and claiming rows of `attachments`.
enum AttachmentRow {
    static let columns = "a.id, a.digest, a.content_type, a.size, a.filename"

    static func attachment(_ row: Columns) throws -> Attachment {
        Attachment(id: AttachmentID(try row("id")), digest: try row("digest"), contentType: try row("content_type"),
                   size: Int(try row("size", as: Int64.self)), filename: try row("filename"))
    }

    /// Gives the sender's unclaimed uploads to a message, in the order given. Throws `.notFound`
    /// naming the first id that is unknown, someone else's, or already sent. A concurrent claim of
    /// the same upload waits on its row lock and then finds it taken.
    static func claim(_ ids: [AttachmentID], for message: MessageID, by sender: MessageSender, workspace: WorkspaceID,
                      in session: Session) async throws -> [Attachment] {
        var claimed: [Attachment] = []
        for id in ids {
            guard let attachment = try await session.row("""
                UPDATE attachments a SET message_id = \(message.rawValue)
                WHERE a.workspace_id = \(workspace.rawValue) AND a.id = \(id.rawValue) AND a.message_id IS NULL
                  AND a.uploader_kind = \(sender.kind.rawValue) AND a.uploader_id IS NOT DISTINCT FROM \(sender.id)
                RETURNING \(unescaped: columns)
                """, attachment)
            else { throw StorageError.notFound("attachment \(id)") }
            claimed.append(attachment)
        }
        return claimed
    }
}
