import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func appendOutgoing(_ outgoing: OutgoingMessage) async throws -> Written<ConversationMessage> {
        try await storage.write { session in
            let current = try await ConversationRow.lock(outgoing.conversationID, workspace: workspaceID, in: session)
            let now = Timestamp.now()
            let id = outgoing.id
            let attachments = try await AttachmentRow.claim(outgoing.attachmentIDs, for: id, by: outgoing.sender,
                                                            workspace: workspaceID, in: session)
            let message = Message(
                id: id, workspaceID: workspaceID, conversationID: current.id, direction: .outgoing, sender: outgoing.sender,
                isPrivate: outgoing.isPrivate, content: outgoing.content, attachments: attachments, status: outgoing.status,
                externalID: nil, createdAt: Timestamp.date(now))
            let conversation = current.sending(message)
            let event = PendingEvent(.messageCreated, .message(message), inbox: current.inboxID,
                                     messageContact: current.contactID, at: now)
            // An agent's message has no external id, so nothing can hold it already.
            guard let events = try await MessageWrite.record(message, inbox: current.inboxID, conversation: conversation,
                                                             events: [event], in: session)
            else { throw WriteConflict() }
            return Written(ConversationMessage(conversation: conversation, message: message), events: events)
        }
    }

    func markRepliesRead(in id: ConversationID, through: Date) async throws -> Written<[Message]> {
        try await storage.write { session in
            let conversation = try await ConversationRow.lock(id, workspace: workspaceID, in: session)
            let read = try await session.rows("""
                UPDATE messages m SET status = 'read'
                WHERE m.workspace_id = \(ws) AND m.conversation_id = \(id.rawValue) AND m.direction = 'out' AND NOT m.private
                  AND m.status IN ('sent', 'delivered') AND m.created_at <= \(Timestamp.milliseconds(through))
                RETURNING \(unescaped: MessageRow.columns)
                """, MessageRow.message).sorted { ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue) }
            guard !read.isEmpty else { return Written([], events: []) }
            let now = Timestamp.now()
            let pending = read.map {
                PendingEvent(.messageUpdated, .message($0), inbox: conversation.inboxID, messageContact: conversation.contactID, at: now)
            }
            return Written(read, events: try await EventRow.append(pending, workspace: workspaceID, in: session))
        }
    }

    func messages(in conversation: ConversationID, page: PageRequest) async throws -> Page<Message> {
        let cursor = try page.decodedCursor()
        let rows = try await storage.read { session in
            guard try await Self.exists("conversations", conversation.rawValue, workspace: workspaceID, in: session)
            else { throw StorageError.notFound("conversation") }
            return try await session.rows("""
                SELECT \(unescaped: MessageRow.columns) FROM messages m
                WHERE m.workspace_id = \(ws) AND m.conversation_id = \(conversation.rawValue)
                  AND (\(cursor?.id)::text IS NULL OR m.id > \(cursor?.id))
                ORDER BY m.id LIMIT \(Int64(page.limit + 1))
                """, MessageRow.message)
        }
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? items.last.map { Cursor(key: nil, id: $0.id.rawValue).token } : nil
        return Page(items: items, nextCursor: next)
    }
}

extension PostgresWorkspace {
    func message(_ id: MessageID) async throws -> Message? {
        try await storage.read { session in try await MessageRow.load(id, workspace: workspaceID, in: session) }
    }

    func setDeliveryStatus(of id: MessageID, to status: DeliveryStatus,
                           ifNow expected: Set<DeliveryStatus>) async throws -> Written<Message>? {
        try await storage.write { session in
            // The row is locked while its status is compared, so two workers' outcomes apply one at a time.
            guard let (current, inbox, contact) = try await session.row("""
                SELECT \(unescaped: MessageRow.columns), c.inbox_id AS conversation_inbox, c.contact_id AS conversation_contact
                FROM messages m JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
                WHERE m.workspace_id = \(ws) AND m.id = \(id.rawValue) FOR UPDATE OF m
                """, { row in
                    (try MessageRow.message(row), InboxID(try row("conversation_inbox")), ContactID(try row("conversation_contact")))
                })
            else { throw StorageError.notFound("message") }
            guard expected.contains(current.status) else { return nil }
            var message = current
            message.status = status
            try await session.run("""
                UPDATE messages SET status = \(status.rawValue) WHERE workspace_id = \(ws) AND id = \(id.rawValue)
                """)
            let event = PendingEvent(.messageUpdated, .message(message), inbox: inbox, messageContact: contact, at: Timestamp.now())
            return Written(message, events: try await EventRow.append([event], workspace: workspaceID, in: session))
        }
    }
}
