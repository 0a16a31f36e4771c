import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func search(_ text: String, limit: Int, inboxes: Set<InboxID>?) async throws -> SearchResults {
        guard let tsquery = SearchText.prefixQuery(text) else {
            return SearchResults(conversations: [], messages: [], contacts: [])
        }
        var query = ConversationQuery(text: text)
        query.inboxIDs = inboxes
        let conversations = try await conversations(matching: query, page: PageRequest(limit: limit)).items
        return try await storage.read { session in
            let messages = try await session.rows("""
                SELECT \(unescaped: MessageRow.columns) FROM messages m
                WHERE m.workspace_id = \(ws) AND m.search_vector @@ to_tsquery('simple', \(tsquery))
                  AND (\(inboxes == nil) OR m.inbox_id = ANY(\(inboxes.map { $0.map(\.rawValue).sorted() } ?? [])))
                ORDER BY m.id DESC LIMIT \(Int64(max(limit, 0)))
                """, MessageRow.message)
            let contacts = try await session.rows("""
                SELECT \(unescaped: ContactRow.columns) FROM contacts ct
                WHERE ct.workspace_id = \(ws) AND ct.search_vector @@ to_tsquery('simple', \(tsquery))
                ORDER BY ct.created_at DESC, ct.id DESC LIMIT \(Int64(max(limit, 0)))
                """, ContactRow.contact)
            return SearchResults(conversations: conversations, messages: messages, contacts: contacts)
        }
    }
}
