import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension IngestTransaction {
    /// The contact of a sender whose channel id ``IngestLookup`` did not find: the owner of its email,
    /// else of its phone (locked), else a new contact; the channel id is claimed for it. A concurrent
    /// transaction that claimed the channel id meanwhile (a first message, or a merge that moved it)
    /// makes this one conflict, and the rerun finds the contact.
    mutating func claimContact(_ draft: ContactDraft, channel: ChannelKind, now: Int64) async throws -> ContactName {
        let (email, phone) = Self.handles(of: draft)
        var matched: ContactID?
        if let email { matched = try await ContactHandle.email.owner(email, workspace: workspace, in: session) }
        if matched == nil, let phone { matched = try await ContactHandle.phone.owner(phone, workspace: workspace, in: session) }

        let contact: ContactName
        if let matched {
            contact = ContactName(id: matched, name: try await lockContact(matched))
        } else {
            let name = [draft.name, draft.email, draft.phone].compactMap { $0?.trimmingWhitespace() }
                .first { !$0.isEmpty } ?? draft.externalID
            contact = ContactName(id: .generate(), name: name)
            events.append(try await ContactRow.insert(contact.id, name: name, attributes: [:], workspace: workspace, at: now,
                                                      in: session))
        }
        let claimed = try await session.count("""
            INSERT INTO contact_identities (workspace_id, channel, external_id, contact_id, created_at)
            VALUES (\(workspace.rawValue), \(channel.rawValue), \(draft.externalID), \(contact.id.rawValue), \(now))
            ON CONFLICT DO NOTHING RETURNING contact_id
            """)
        // Another transaction gave this identity a contact meanwhile.
        guard claimed == 1 else { throw WriteConflict() }
        try await addHandles(of: draft, to: contact.id, isNew: matched == nil)
        return contact
    }

    /// Adds the sender's email and phone to its contact: a known sender's later message may bring
    /// them. A new contact's handles were free when it was made, so one taken since is a conflict.
    func addHandles(of draft: ContactDraft, to contact: ContactID, isNew: Bool) async throws {
        let (email, phone) = Self.handles(of: draft)
        for (kind, value) in [(ContactHandle.email, email), (.phone, phone)] {
            guard let value else { continue }
            let added = try await kind.add(value, to: contact, workspace: workspace, in: session)
            if isNew, !added { throw WriteConflict() }
        }
    }

    /// The draft's email and phone, normalized; nil when absent or empty.
    private static func handles(of draft: ContactDraft) -> (email: String?, phone: String?) {
        (draft.email.map(ContactHandle.email.normalized).flatMap { $0.isEmpty ? nil : $0 },
         draft.phone.map(ContactHandle.phone.normalized).flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Locks the contact row: whoever opens a conversation for a contact holds this lock, so two
    /// messages of one contact never open two conversations, and a merge is waited for. A contact
    /// that a merge deleted meanwhile makes the transaction run again (its identity moved). Returns
    /// the contact's name.
    func lockContact(_ contact: ContactID) async throws -> String {
        guard let name = try await session.value("""
            SELECT name FROM contacts WHERE workspace_id = \(workspace.rawValue) AND id = \(contact.rawValue) FOR UPDATE
            """, as: String.self)
        else { throw WriteConflict() }
        return name
    }

    /// The contact's conversation in this inbox that is not resolved (locked), or a new one (`isNew`).
    func activeConversation(of contact: ContactID, in inbox: (id: InboxID, channel: ChannelKind),
                            now: Int64) async throws -> (Conversation, isNew: Bool) {
        if let active = try await session.row("""
            SELECT \(unescaped: ConversationRow.columns) FROM conversations c
            WHERE c.workspace_id = \(workspace.rawValue) AND c.contact_id = \(contact.rawValue)
              AND c.inbox_id = \(inbox.id.rawValue) AND c.status <> 'resolved'
            ORDER BY c.last_activity_at DESC LIMIT 1 FOR UPDATE
            """, ConversationRow.conversation) {
            return (active, false)
        }
        return (try await openConversation(for: contact, in: inbox, now: now), true)
    }

    /// A new conversation of the contact in this inbox, numbered from the workspace's sequence. The
    /// caller holds the contact's lock and found no conversation of theirs there that is not resolved.
    func openConversation(for contact: ContactID, in inbox: (id: InboxID, channel: ChannelKind),
                          now: Int64) async throws -> Conversation {
        let sequence = PostgresStorage.Migrations.conversationNumberSequence(of: workspace.rawValue)
        guard let number = try await session.value("SELECT nextval(\(sequence)::regclass)", as: Int64.self)
        else { throw StorageError.notFound("workspace") }
        let conversation = Conversation(
            id: .generate(), workspaceID: workspace, number: Int(number), inboxID: inbox.id, channel: inbox.channel,
            contactID: contact, createdAt: Timestamp.date(now), lastActivityAt: Timestamp.date(now))
        try await ConversationRow.insert(conversation, in: session)
        return conversation
    }
}
