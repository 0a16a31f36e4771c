import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func createAttachment(_ new: NewAttachment) async throws -> Attachment {
        let attachment = Attachment(id: .generate(), digest: new.digest, contentType: new.contentType, size: new.size,
                                    filename: new.filename)
        try await storage.write { session in
            try await session.run("""
                INSERT INTO attachments (id, workspace_id, digest, content_type, size, filename, uploader_kind, uploader_id, created_at)
                VALUES (\(attachment.id.rawValue), \(ws), \(new.digest), \(new.contentType), \(Int64(new.size)), \(new.filename),
                        \(new.uploader.kind.rawValue), \(new.uploader.id), \(Timestamp.now()))
                """)
        }
        return attachment
    }

    func attachment(_ id: AttachmentID) async throws -> Attachment? {
        try await storage.read { session in
            try await session.row("""
                SELECT \(unescaped: AttachmentRow.columns) FROM attachments a WHERE a.workspace_id = \(ws) AND a.id = \(id.rawValue)
                """, AttachmentRow.attachment)
        }
    }

    func attachment(_ id: AttachmentID, visibleTo contact: ContactID, in inbox: InboxID) async throws -> Attachment? {
        try await storage.read { session in
            try await session.row("""
                SELECT \(unescaped: AttachmentRow.columns) FROM attachments a
                LEFT JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
                LEFT JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
                WHERE a.workspace_id = \(ws) AND a.id = \(id.rawValue)
                  AND ((a.message_id IS NULL AND a.uploader_kind = 'contact' AND a.uploader_id = \(contact.rawValue))
                       OR (NOT m.private AND c.contact_id = \(contact.rawValue) AND c.inbox_id = \(inbox.rawValue)))
                """, AttachmentRow.attachment)
        }
    }

    func attachment(_ id: AttachmentID, publicIn inbox: InboxID) async throws -> Attachment? {
        try await storage.read { session in
            try await session.row("""
                SELECT \(unescaped: AttachmentRow.columns) FROM attachments a
                JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
                JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
                WHERE a.workspace_id = \(ws) AND a.id = \(id.rawValue) AND NOT m.private AND c.inbox_id = \(inbox.rawValue)
                """, AttachmentRow.attachment)
        }
    }
}
