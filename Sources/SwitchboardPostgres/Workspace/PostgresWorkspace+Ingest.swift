import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func appendIncoming(_ incoming: IncomingMessage) async throws -> IngestResult {
        try await storage.write { session in
            var transaction = IngestTransaction(workspace: workspaceID, session: session)
            return try await transaction.run(incoming)
        }
    }
}

/// The steps of storing one incoming message, in one transaction. Unlike SQLite, PostgreSQL lets
/// writers run side by side, so each step that could race is settled by the database: the sender's
/// identity and handles by their unique keys, the contact's conversations by a lock on the contact
/// row, the external id by its unique index. A step that finds its row taken by a concurrent
/// transaction throws ``WriteConflict``, and the rerun finds what that transaction stored.
struct IngestTransaction {
    let workspace: WorkspaceID
    let session: Session
    var events: [PendingEvent] = []

    init(workspace: WorkspaceID, session: Session) {
        self.workspace = workspace
        self.session = session
    }

    private var ws: String { workspace.rawValue }

    mutating func run(_ incoming: IncomingMessage) async throws -> IngestResult {
        guard let channel = try await session.value("""
            SELECT channel FROM inboxes WHERE workspace_id = \(ws) AND id = \(incoming.inboxID.rawValue)
            """, as: String.self).flatMap(ChannelKind.init(rawValue:))
        else { throw StorageError.notFound("inbox") }
        if let duplicate = try await earlierDelivery(of: incoming) { return duplicate }

        let now = Timestamp.now()
        let contactID = try await findOrCreateContact(incoming.contact, channel: channel, now: now)
        let (active, isNew) = try await activeConversation(of: contactID, in: (incoming.inboxID, channel), now: now)
        let sentAt = incoming.sentAt.map(Timestamp.milliseconds).map { min($0, now) } ?? now
        let id = MessageID.generate()
        let attachments = try await AttachmentRow.claim(incoming.attachmentIDs, for: id, by: .contact(contactID),
                                                        workspace: workspace, in: session)
        let message = Message(
            id: id, workspaceID: workspace, conversationID: active.id, direction: .incoming, sender: .contact(contactID),
            isPrivate: false, content: incoming.content, attachments: attachments, status: .delivered,
            externalID: incoming.externalID, createdAt: Timestamp.date(sentAt))
        // A concurrent delivery of the same external id got there first: rerun, and find it.
        guard try await MessageRow.insert(message, inbox: incoming.inboxID, in: session) else { throw WriteConflict() }
        let conversation = active.receiving(message)
        try await ConversationRow.update(conversation, in: session)
        guard let contact = try await ContactRow.load(contactID, workspace: workspace, in: session)
        else { throw StorageError.notFound("contact") }
        // The conversation is announced in its state after this message, then the message itself.
        let name = ContactName(id: contact.id, name: contact.name)
        if isNew || active.status != conversation.status {
            events.append(PendingEvent(isNew ? .conversationCreated : .conversationUpdated,
                                       .conversation(conversation, contact: name), inbox: incoming.inboxID, at: now))
        }
        events.append(PendingEvent(.messageCreated, .message(message), inbox: incoming.inboxID, messageContact: contactID, at: now))
        return IngestResult(contact: contact, conversation: conversation, message: message, isDuplicate: false,
                            events: try await EventRow.append(events, workspace: workspace, in: session))
    }

    /// The stored result of an earlier delivery with the same external id, if there was one.
    private func earlierDelivery(of incoming: IncomingMessage) async throws -> IngestResult? {
        guard let message = try await session.row("""
            SELECT \(unescaped: MessageRow.columns) FROM messages m
            WHERE m.workspace_id = \(ws) AND m.inbox_id = \(incoming.inboxID.rawValue) AND m.external_id = \(incoming.externalID)
            """, MessageRow.message)
        else { return nil }
        guard let conversation = try await session.row("""
            SELECT \(unescaped: ConversationRow.columns) FROM conversations c
            WHERE c.workspace_id = \(ws) AND c.id = \(message.conversationID.rawValue)
            """, ConversationRow.conversation),
            let contact = try await ContactRow.load(conversation.contactID, workspace: workspace, in: session)
        else { throw StorageError.notFound("conversation of the earlier delivery") }
        return IngestResult(contact: contact, conversation: conversation, message: message, isDuplicate: true, events: [])
    }
}
