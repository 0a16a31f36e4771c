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
        // Each statement is a round trip to the server, the main cost of an ingest here: the inbox and
        // an earlier delivery of the same external id are read together.
        guard let (channel, earlier) = try await inboxAndEarlierDelivery(of: incoming)
        else { throw StorageError.notFound("inbox") }
        if let earlier { return try await result(ofEarlier: earlier) }

        let now = Timestamp.now()
        let contact = try await findOrCreateContact(incoming.contact, channel: channel, now: now)
        let contactID = contact.id
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
        // The conversation is announced in its state after this message, then the message itself.
        let name = contact
        if isNew || active.status != conversation.status {
            events.append(PendingEvent(isNew ? .conversationCreated : .conversationUpdated,
                                       .conversation(conversation, contact: name), inbox: incoming.inboxID, at: now))
        }
        events.append(PendingEvent(.messageCreated, .message(message), inbox: incoming.inboxID, messageContact: contactID, at: now))
        return IngestResult(contact: contact, conversation: conversation, message: message, isDuplicate: false,
                            events: try await EventRow.append(events, workspace: workspace, in: session))
    }

    /// The inbox's channel and the message of an earlier delivery with the same external id, if there
    /// was one; nil when there is no such inbox.
    private func inboxAndEarlierDelivery(of incoming: IncomingMessage) async throws -> (ChannelKind, Message?)? {
        try await session.row("""
            SELECT i.channel AS inbox_channel, \(unescaped: MessageRow.columns) FROM inboxes i
            LEFT JOIN messages m ON m.workspace_id = i.workspace_id AND m.inbox_id = i.id
                                AND m.external_id = \(incoming.externalID)
            WHERE i.workspace_id = \(ws) AND i.id = \(incoming.inboxID.rawValue)
            """) { row in
            guard let channel = ChannelKind(rawValue: try row("inbox_channel")) else { throw StorageError.notFound("inbox") }
            return (channel, try row("id", as: String?.self) == nil ? nil : try MessageRow.message(row))
        }
    }

    /// The stored result of an earlier delivery: its message, conversation and contact.
    private func result(ofEarlier message: Message) async throws -> IngestResult {
        guard let conversation = try await session.row("""
            SELECT \(unescaped: ConversationRow.columns) FROM conversations c
            WHERE c.workspace_id = \(ws) AND c.id = \(message.conversationID.rawValue)
            """, ConversationRow.conversation),
            let name = try await session.value("""
                SELECT name FROM contacts WHERE workspace_id = \(ws) AND id = \(conversation.contactID.rawValue)
                """, as: String.self)
        else { throw StorageError.notFound("conversation of the earlier delivery") }
        let contact = ContactName(id: conversation.contactID, name: name)
        return IngestResult(contact: contact, conversation: conversation, message: message, isDuplicate: true, events: [])
    }
}
