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
        // Each statement is a round trip to the server, the main cost of an ingest here: a known sender
        // writing in an open conversation (the common case) takes two, one that reads and locks what the
        // message needs and one that writes it.
        guard let found = try await lookUp(incoming) else { throw StorageError.notFound("inbox") }
        if let earlier = found.earlierDelivery { return try await result(ofEarlier: earlier) }

        let now = Timestamp.now()
        let inbox = (id: incoming.inboxID, channel: found.channel)
        let contact: ContactName
        let active: Conversation, isNew: Bool
        if let sender = found.sender {
            contact = sender
            try await addHandles(of: incoming.contact, to: sender.id, isNew: false)
            // The sender's lock is held, so nobody opens a conversation for them meanwhile.
            (active, isNew) = if let conversation = found.activeConversation { (conversation, false) }
                              else { (try await openConversation(for: sender.id, in: inbox, now: now), true) }
        } else {
            contact = try await claimContact(incoming.contact, channel: found.channel, now: now)
            (active, isNew) = try await activeConversation(of: contact.id, in: inbox, now: now)
        }
        let contactID = contact.id
        let sentAt = incoming.sentAt.map(Timestamp.milliseconds).map { min($0, now) } ?? now
        let id = MessageID.generate()
        let attachments = try await AttachmentRow.claim(incoming.attachmentIDs, for: id, by: .contact(contactID),
                                                        workspace: workspace, in: session)
        let message = Message(
            id: id, workspaceID: workspace, conversationID: active.id, direction: .incoming, sender: .contact(contactID),
            isPrivate: false, content: incoming.content, attachments: attachments, status: .delivered,
            externalID: incoming.externalID, createdAt: Timestamp.date(sentAt))
        let conversation = active.receiving(message)
        // The conversation is announced in its state after this message, then the message itself.
        if isNew || active.status != conversation.status {
            events.append(PendingEvent(isNew ? .conversationCreated : .conversationUpdated,
                                       .conversation(conversation, contact: contact), inbox: incoming.inboxID, at: now))
        }
        events.append(PendingEvent(.messageCreated, .message(message), inbox: incoming.inboxID, messageContact: contactID, at: now))
        // A concurrent delivery of the same external id got there first: rerun, and find it.
        guard let appended = try await MessageWrite.record(message, inbox: incoming.inboxID, conversation: conversation,
                                                           events: events, in: session)
        else { throw WriteConflict() }
        return IngestResult(contact: contact, conversation: conversation, message: message, isDuplicate: false,
                            events: appended)
    }

    /// Nil when there is no such inbox.
    private func lookUp(_ incoming: IncomingMessage) async throws -> IngestLookup.Found? {
        try await session.execute(IngestLookup(workspace: workspace, incoming: incoming)).first
    }

    /// The stored result of an earlier delivery: its message, conversation and contact.
    private func result(ofEarlier id: MessageID) async throws -> IngestResult {
        guard let message = try await MessageRow.load(id, workspace: workspace, in: session),
            let conversation = try await session.row("""
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
