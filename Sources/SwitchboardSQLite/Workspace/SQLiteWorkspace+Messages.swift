import Foundation
import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func appendOutgoing(_ outgoing: OutgoingMessage) async throws -> Written<ConversationMessage> {
        let workspace = workspaceID
        return try await storage.write { db in
            let current = try Self.loadConversation(outgoing.conversationID, workspace: workspace, in: db)
            let now = Timestamp.now()
            let id = outgoing.id
            let attachments = try AttachmentRows.claim(outgoing.attachmentIDs, for: id, by: outgoing.sender,
                                                       workspace: workspace, in: db)
            let message = Message(
                id: id, workspaceID: workspace, conversationID: current.id, direction: .outgoing,
                sender: outgoing.sender, isPrivate: outgoing.isPrivate, content: outgoing.content,
                attachments: attachments, status: outgoing.status, externalID: nil, createdAt: Timestamp.date(now))
            try MessageRecord(message, inboxID: current.inboxID).insertRow(db)
            let conversation = current.sending(message)
            try ConversationRecord(conversation).updateActivity(db)
            let event = try EventRecord.append(.messageCreated, .message(message), inbox: current.inboxID,
                                               workspace: workspace, messageContact: current.contactID, at: now, in: db)
            return Written(ConversationMessage(conversation: conversation, message: message), events: [event])
        }
    }

    func markRepliesRead(in id: ConversationID, through: Date) async throws -> Written<[Message]> {
        let workspace = workspaceID
        return try await storage.write { db in
            let conversation = try Self.loadConversation(id, workspace: workspace, in: db)
            let unread = try MessageRecord.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM messages WHERE workspace_id = ? AND conversation_id = ? AND direction = 'out' AND private = 0
                  AND status IN ('sent', 'delivered') AND created_at <= ? ORDER BY created_at, id
                """), arguments: [workspace.rawValue, id.rawValue, Timestamp.milliseconds(through)])
            guard !unread.isEmpty else { return Written([], events: []) }
            let read = unread.map { record in
                var message = record.message
                message.status = .read
                return message
            }
            try db.execute(literal: "UPDATE messages SET status = 'read' WHERE id IN \(read.map(\.id.rawValue))")
            let now = Timestamp.now()
            let events = try read.map {
                try EventRecord.append(.messageUpdated, .message($0), inbox: conversation.inboxID,
                                       workspace: workspace, messageContact: conversation.contactID, at: now, in: db)
            }
            return Written(read, events: events)
        }
    }

    func messages(in conversation: ConversationID, page: PageRequest) async throws -> Page<Message> {
        let cursor = try page.decodedCursor()
        let workspace = workspaceID
        return try await storage.read { db in
            _ = try Self.loadConversation(conversation, workspace: workspace, in: db)
            var sql: SQL = "SELECT * FROM messages WHERE workspace_id = \(workspace.rawValue) AND conversation_id = \(conversation.rawValue)"
            if let cursor { sql += " AND id > \(cursor.id)" }
            sql += " ORDER BY id LIMIT \(page.limit + 1)"
            let records = try MessageRecord.fetchAll(db, SQLRequest<MessageRecord>(literal: sql, cached: true))
            let items = records.prefix(page.limit).map(\.message)
            let next = records.count > page.limit ? items.last.map { Cursor(key: nil, id: $0.id.rawValue).token } : nil
            return Page(items: items, nextCursor: next)
        }
    }
}

extension SQLiteWorkspace {
    func message(_ id: MessageID) async throws -> Message? {
        let workspace = workspaceID
        return try await storage.read { db in try Self.loadMessage(id, workspace: workspace, in: db) }
    }

    static func loadMessage(_ id: MessageID, workspace: WorkspaceID, in db: Database) throws -> Message? {
        try MessageRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM messages WHERE workspace_id = ? AND id = ?"),
                                   arguments: [workspace.rawValue, id.rawValue])?.message
    }

    func setDeliveryStatus(of id: MessageID, to status: DeliveryStatus,
                           ifNow expected: Set<DeliveryStatus>) async throws -> Written<Message>? {
        let workspace = workspaceID
        return try await storage.write { db in
            guard var message = try Self.loadMessage(id, workspace: workspace, in: db) else { throw StorageError.notFound("message") }
            guard expected.contains(message.status) else { return nil }
            message.status = status
            try db.cachedStatement(sql: "UPDATE messages SET status = ? WHERE workspace_id = ? AND id = ?").execute(
                arguments: [status.rawValue, workspace.rawValue, id.rawValue])
            let conversation = try Self.loadConversation(message.conversationID, workspace: workspace, in: db)
            let event = try EventRecord.append(.messageUpdated, .message(message), inbox: conversation.inboxID,
                                               workspace: workspace, messageContact: conversation.contactID,
                                               at: Timestamp.now(), in: db)
            return Written(message, events: [event])
        }
    }
}
