import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func search(_ text: String, limit: Int) async throws -> SearchResults {
        guard let tsquery = SearchText.prefixQuery(text) else {
            return SearchResults(conversations: [], messages: [], contacts: [])
        }
        let conversations = try await conversations(matching: ConversationQuery(text: text), page: PageRequest(limit: limit)).items
        return try await storage.read { session in
            let messages = try await session.rows("""
                SELECT \(unescaped: MessageRow.columns) FROM messages m
                WHERE m.workspace_id = \(ws) AND m.search_vector @@ to_tsquery('simple', \(tsquery))
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
