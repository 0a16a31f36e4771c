import Foundation
import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func appendIncoming(_ incoming: IncomingMessage) async throws -> IngestResult {
        let workspace = workspaceID
        return try await storage.write { db in
            var transaction = IngestTransaction(workspace: workspace, db: db)
            return try transaction.run(incoming)
        }
    }
}

/// The steps of storing one incoming message, all inside one transaction (one savepoint of a group
/// commit). SQLite holds the write lock for the whole transaction, so the look-ups here cannot race
/// another writer; the unique index on (inbox, external id) stays as the last word on duplicates.
struct IngestTransaction {
    let workspace: WorkspaceID
    let db: Database
    private var events: [DomainEvent] = []

    init(workspace: WorkspaceID, db: Database) {
        self.workspace = workspace
        self.db = db
    }

    mutating func run(_ incoming: IncomingMessage) throws -> IngestResult {
        // Only the channel is needed here; decoding the inbox's settings on every message is not.
        guard let channel = try String.fetchOne(
            db.cachedStatement(sql: "SELECT channel FROM inboxes WHERE workspace_id = ? AND id = ?"),
            arguments: [workspace.rawValue, incoming.inboxID.rawValue]).flatMap(ChannelKind.init(rawValue:))
        else { throw StorageError.notFound("inbox") }
        let inbox = (id: incoming.inboxID, channel: channel)
        if let duplicate = try earlierDelivery(of: incoming) { return duplicate }

        let now = Timestamp.now()
        let contact = try findOrCreateContact(incoming.contact, channel: inbox.channel, now: now)
        let contactID = contact.id
        let (active, isNew) = try activeConversation(of: contactID, in: inbox, now: now)
        var conversation = active
        let sentAt = incoming.sentAt.map(Timestamp.milliseconds).map { min($0, now) } ?? now
        let id = MessageID.generate()
        let attachments = incoming.attachmentIDs.isEmpty ? [] : try AttachmentRows.claim(
            incoming.attachmentIDs, for: id, by: .contact(contactID), workspace: workspace, in: db)
        let message = Message(
            id: id, workspaceID: workspace, conversationID: conversation.id, direction: .incoming,
            sender: .contact(contactID), isPrivate: false, content: incoming.content, attachments: attachments,
            status: .delivered, externalID: incoming.externalID, createdAt: Timestamp.date(sentAt))
        try MessageRecord(message, inboxID: inbox.id).insertRow(db)
        let before = conversation
        conversation = conversation.receiving(message)
        try ConversationRecord(conversation).updateActivity(db)
        // The conversation is announced in its state after this message, then the message itself.
        let name = contact
        if isNew || before.status != conversation.status {
            try append(isNew ? .conversationCreated : .conversationUpdated, .conversation(conversation, contact: name),
                       inbox: inbox.id, at: now)
        }
        try append(.messageCreated, .message(message), inbox: inbox.id, messageContact: contactID, at: now)
        return IngestResult(contact: contact, conversation: conversation, message: message, isDuplicate: false,
                            events: events)
    }

    /// The stored result of an earlier delivery with the same external id, if there was one.
    /// Probes the unique index for a row id first: almost every message is new, and decoding a full
    /// record only to learn there is none cost more than the probe itself.
    private func earlierDelivery(of incoming: IncomingMessage) throws -> IngestResult? {
        guard let rowID = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT rowid FROM messages WHERE workspace_id = ? AND inbox_id = ? AND external_id = ?
            """), arguments: [workspace.rawValue, incoming.inboxID.rawValue, incoming.externalID]),
              let record = try MessageRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM messages WHERE rowid = ?"),
                                                      arguments: [rowID])
        else { return nil }
        let message = record.message
        guard let conversation = try ConversationRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM conversations WHERE id = ?"), arguments: [record.conversationId])?.conversation(),
              let name = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM contacts WHERE id = ?"),
                                             arguments: [conversation.contactID.rawValue])
        else { throw StorageError.notFound("conversation of the earlier delivery") }
        let contact = ContactName(id: conversation.contactID, name: name)
        return IngestResult(contact: contact, conversation: conversation, message: message, isDuplicate: true, events: [])
    }

    /// The contact this sender is: known by the channel id, else by email, else by phone, else new.
    private mutating func findOrCreateContact(_ draft: ContactDraft, channel: ChannelKind, now: Int64) throws -> ContactName {
        let known = try PositionedRow.first(db.cachedStatement(sql: """
            SELECT ci.contact_id, c.name FROM contact_identities ci JOIN contacts c ON c.id = ci.contact_id
            WHERE ci.workspace_id = ? AND ci.channel = ? AND ci.external_id = ?
            """), arguments: [workspace.rawValue, channel.rawValue, draft.externalID]) { id, row in
            ContactName(id: ContactID(id), name: try row.required(1))
        }
        let contact: ContactName
        if let known {
            contact = known
        } else if let matched = try draft.email.flatMap({ try ContactHandle.owner(ContactHandle.email, $0, workspace: workspace, in: db) })
                    ?? draft.phone.flatMap({ try ContactHandle.owner(ContactHandle.phone, $0, workspace: workspace, in: db) }),
                  let name = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM contacts WHERE id = ?"),
                                                 arguments: [matched.rawValue]) {
            contact = ContactName(id: matched, name: name)
        } else {
            let contactID = ContactID.generate()
            let name = [draft.name, draft.email, draft.phone].compactMap { $0?.trimmingWhitespace() }
                .first { !$0.isEmpty } ?? draft.externalID
            contact = ContactName(id: contactID, name: name)
            try ContactRecord(id: contactID.rawValue, workspaceId: workspace.rawValue, name: name, attributes: "{}",
                              searchText: name, createdAt: now).insert(db)
            try append(.contactCreated, .contact(contact), inbox: nil, at: now)
        }
        let contactID = contact.id
        if known == nil {
            try db.cachedStatement(sql: """
                INSERT INTO contact_identities (workspace_id, channel, external_id, contact_id, created_at)
                VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [workspace.rawValue, channel.rawValue, draft.externalID, contactID.rawValue, now])
        }
        var handlesChanged = false
        if let email = draft.email { handlesChanged = try ContactHandle.add(ContactHandle.email, email, to: contactID, workspace: workspace, in: db) || handlesChanged }
        if let phone = draft.phone { handlesChanged = try ContactHandle.add(ContactHandle.phone, phone, to: contactID, workspace: workspace, in: db) || handlesChanged }
        if handlesChanged { try ContactRecord.refreshSearchText(contactID, in: db) }
        return contact
    }

    /// The contact's conversation in this inbox that is not resolved, or a new one (`isNew`); the latest
    /// active one if there are several.
    /// The index is named: it no longer holds the activity order (see migration v7), and without it the
    /// planner would walk the whole workspace in activity order to avoid sorting. The latest is taken
    /// with `max()` rather than ORDER BY … LIMIT 1, which set up a sorter for every message: with one
    /// max() aggregate, SQLite takes the other columns from the row that has the maximum, and HAVING
    /// turns "no such row" into no row instead of a row of NULLs.
    private func activeConversation(of contact: ContactID, in inbox: (id: InboxID, channel: ChannelKind), now: Int64) throws -> (Conversation, isNew: Bool) {
        if let active = try ConversationRecord.fetchFirst(db.cachedStatement(sql: """
            SELECT \(ConversationRecord.selection), max(last_activity_at)
            FROM conversations INDEXED BY conversations_by_contact
            WHERE workspace_id = ? AND contact_id = ? AND inbox_id = ? AND status != 'resolved'
            HAVING count(*) > 0
            """), arguments: [workspace.rawValue, contact.rawValue, inbox.id.rawValue]) {
            return (try active.conversation(), false)
        }
        let number = try Int.fetchOne(db.cachedStatement(sql: """
            UPDATE workspaces SET next_conversation_number = next_conversation_number + 1
            WHERE id = ? RETURNING next_conversation_number - 1
            """), arguments: [workspace.rawValue])
        guard let number else { throw StorageError.notFound("workspace") }
        let conversation = Conversation(
            id: .generate(), workspaceID: workspace, number: number, inboxID: inbox.id, channel: inbox.channel,
            contactID: contact, createdAt: Timestamp.date(now), lastActivityAt: Timestamp.date(now))
        try ConversationRecord(conversation).insert(db)
        return (conversation, true)
    }

    private mutating func append(_ kind: DomainEvent.Kind, _ payload: EventPayload, inbox: InboxID?,
                                 messageContact: ContactID? = nil, at time: Int64) throws {
        events.append(try EventRecord.append(kind, payload, inbox: inbox, workspace: workspace,
                                             messageContact: messageContact, at: time, in: db))
    }
}
