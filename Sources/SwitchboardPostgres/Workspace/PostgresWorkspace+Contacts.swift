import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func contacts(matching text: String?, page: PageRequest) async throws -> Page<Contact> {
        let cursor = try page.decodedCursor()
        if let cursor, cursor.key == nil { throw InvalidCursor() }
        let words = text.map(SearchText.prefixQuery)
        if case .some(.none) = words { return Page(items: [], nextCursor: nil) }
        let tsquery = words ?? nil
        let contacts = try await storage.read { session in
            try await session.rows("""
                SELECT \(unescaped: ContactRow.columns) FROM contacts ct
                WHERE ct.workspace_id = \(ws)
                  AND (\(tsquery)::text IS NULL OR ct.search_vector @@ to_tsquery('simple', \(tsquery)))
                  AND (\(cursor?.key)::bigint IS NULL OR ct.created_at < \(cursor?.key)
                       OR (ct.created_at = \(cursor?.key) AND ct.id < \(cursor?.id)))
                ORDER BY ct.created_at DESC, ct.id DESC LIMIT \(Int64(page.limit + 1))
                """, ContactRow.contact)
        }
        let items = Array(contacts.prefix(page.limit))
        let next = contacts.count > page.limit ? items.last.map {
            Cursor(key: Timestamp.milliseconds($0.createdAt), id: $0.id.rawValue).token
        } : nil
        return Page(items: items, nextCursor: next)
    }

    func contactProfile(_ id: ContactID) async throws -> ContactProfile? {
        try await storage.read { session in
            guard let contact = try await ContactRow.load(id, workspace: workspaceID, in: session) else { return nil }
            let conversations = try await session.rows("""
                SELECT \(unescaped: ConversationRow.columns) FROM conversations c
                WHERE c.workspace_id = \(ws) AND c.contact_id = \(id.rawValue)
                ORDER BY c.last_activity_at DESC, c.id DESC
                """, ConversationRow.conversation)
            return ContactProfile(contact: contact, conversations: conversations)
        }
    }

    func mergeContacts(survivor: ContactID, other: ContactID) async throws -> Written<Contact> {
        guard survivor != other else { throw StorageError.conflict("a contact cannot be merged into itself") }
        return try await storage.write { session in
            // Both rows locked, in id order so two merges of the same pair cannot deadlock; an
            // ingest for either contact waits for the merge and then finds the survivor.
            let locked = try await session.count("""
                SELECT id FROM contacts WHERE workspace_id = \(ws) AND id = ANY(\([survivor.rawValue, other.rawValue]))
                ORDER BY id FOR UPDATE
                """)
            guard locked == 2, var kept = try await ContactRow.load(survivor, workspace: workspaceID, in: session),
                  let merged = try await ContactRow.load(other, workspace: workspaceID, in: session)
            else { throw StorageError.notFound("contact") }
            let (s, o) = (survivor.rawValue, other.rawValue)
            // The contact's own messages are only in its own conversations: update them before those move.
            try await session.run("""
                UPDATE messages SET sender_id = \(s)
                WHERE workspace_id = \(ws) AND sender_kind = 'contact' AND sender_id = \(o)
                  AND conversation_id IN (SELECT id FROM conversations WHERE workspace_id = \(ws) AND contact_id = \(o))
                """)
            try await session.run("UPDATE conversations SET contact_id = \(s) WHERE workspace_id = \(ws) AND contact_id = \(o)")
            try await session.run("UPDATE contact_identities SET contact_id = \(s) WHERE workspace_id = \(ws) AND contact_id = \(o)")
            try await session.run("""
                UPDATE contact_handles SET contact_id = \(s), position = position + 1000 WHERE workspace_id = \(ws) AND contact_id = \(o)
                """)
            // The survivor's attributes win; the other contact only fills gaps.
            kept.attributes.merge(merged.attributes) { mine, _ in mine }
            let searchable = SearchText.document([kept.name] + kept.emails + kept.phones + merged.emails + merged.phones)
            try await session.run("""
                UPDATE contacts SET attributes = \(try JSONColumn.encode(kept.attributes)),
                    search_vector = to_tsvector('simple', \(searchable))
                WHERE workspace_id = \(ws) AND id = \(s)
                """)
            try await session.run("DELETE FROM contacts WHERE workspace_id = \(ws) AND id = \(o)")
            guard let result = try await ContactRow.load(survivor, workspace: workspaceID, in: session)
            else { throw StorageError.notFound("contact") }
            let event = PendingEvent(.contactMerged, .contact(ContactName(id: result.id, name: result.name)), inbox: nil,
                                     at: Timestamp.now())
            return Written(result, events: try await EventRow.append([event], workspace: workspaceID, in: session))
        }
    }
}
