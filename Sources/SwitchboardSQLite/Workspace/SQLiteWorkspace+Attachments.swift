import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func createAttachment(_ new: NewAttachment) async throws -> Attachment {
        let attachment = Attachment(id: .generate(), digest: new.digest, contentType: new.contentType, size: new.size,
                                    filename: new.filename)
        let ws = self.ws
        try await storage.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO attachments (id, workspace_id, digest, content_type, size, filename, uploader_kind, uploader_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [attachment.id.rawValue, ws, new.digest, new.contentType, new.size, new.filename,
                                         new.uploader.kind.rawValue, new.uploader.id, Timestamp.now()])
        }
        return attachment
    }

    func attachment(_ id: AttachmentID) async throws -> Attachment? {
        let ws = self.ws
        return try await storage.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM attachments WHERE workspace_id = ? AND id = ?"),
                             arguments: [ws, id.rawValue]).map(AttachmentRows.attachment)
        }
    }

    func attachment(_ id: AttachmentID, visibleTo contact: ContactID, in inbox: InboxID) async throws -> Attachment? {
        let ws = self.ws
        return try await storage.read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT a.* FROM attachments a
                LEFT JOIN messages m ON m.id = a.message_id AND m.workspace_id = a.workspace_id
                LEFT JOIN conversations c ON c.id = m.conversation_id
                WHERE a.workspace_id = ? AND a.id = ?
                  AND ((a.message_id IS NULL AND a.uploader_kind = 'contact' AND a.uploader_id = ?)
                       OR (m.private = 0 AND c.contact_id = ? AND c.inbox_id = ?))
                """), arguments: [ws, id.rawValue, contact.rawValue, contact.rawValue, inbox.rawValue])
                .map(AttachmentRows.attachment)
        }
    }

    func attachment(_ id: AttachmentID, publicIn inbox: InboxID) async throws -> Attachment? {
        let ws = self.ws
        return try await storage.read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT a.* FROM attachments a
                JOIN messages m ON m.id = a.message_id AND m.workspace_id = a.workspace_id
                JOIN conversations c ON c.id = m.conversation_id
                WHERE a.workspace_id = ? AND a.id = ? AND m.private = 0 AND c.inbox_id = ?
                """), arguments: [ws, id.rawValue, inbox.rawValue])
                .map(AttachmentRows.attachment)
        }
    }
}

/// Reading and claiming rows of `attachments`.
enum AttachmentRows {
    static func attachment(_ row: Row) -> Attachment {
        Attachment(id: AttachmentID(row["id"]), digest: row["digest"], contentType: row["content_type"], size: row["size"],
                   filename: row["filename"])
    }

    /// Gives the sender's unclaimed uploads to a message, in the order given. Throws `.notFound`
    /// naming the first id that is unknown, someone else's, or already sent.
    static func claim(_ ids: [AttachmentID], for message: MessageID, by sender: MessageSender, workspace: WorkspaceID,
                      in db: Database) throws -> [Attachment] {
        try ids.map { id in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                UPDATE attachments SET message_id = ?
                WHERE workspace_id = ? AND id = ? AND message_id IS NULL AND uploader_kind = ? AND uploader_id IS ?
                RETURNING *
                """), arguments: [message.rawValue, workspace.rawValue, id.rawValue, sender.kind.rawValue, sender.id])
            else { throw StorageError.notFound("attachment \(id)") }
            return attachment(row)
        }
    }
}
