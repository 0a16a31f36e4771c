import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func search(_ text: String, limit: Int, inboxes: Set<InboxID>?) async throws -> SearchResults {
        guard let pattern = FTS5Pattern(matchingAllPrefixesIn: text) else {
            return SearchResults(conversations: [], messages: [], contacts: [])
        }
        var query = ConversationQuery(text: text)
        query.inboxIDs = inboxes
        let conversations = try await self.conversations(matching: query, page: PageRequest(limit: limit)).items
        let ws = self.ws
        return try await storage.read { db in
            var messagesSQL: SQL = """
                SELECT * FROM messages WHERE workspace_id = \(ws) AND rowid IN
                    (SELECT rowid FROM messages_fts WHERE messages_fts MATCH \(pattern))
                """
            if let inboxes { messagesSQL += " AND inbox_id IN \(inboxes.map(\.rawValue).sorted())" }
            messagesSQL += " ORDER BY id DESC LIMIT \(limit)"
            let messages = try MessageRecord.fetchAll(db, SQLRequest<MessageRecord>(literal: messagesSQL)).map(\.message)
            let contacts = try ContactRecord.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM contacts WHERE workspace_id = ? AND rowid IN
                    (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)
                ORDER BY created_at DESC, id DESC LIMIT ?
                """), arguments: [ws, pattern, limit]).map { try $0.contact(in: db) }
            return SearchResults(conversations: conversations, messages: messages, contacts: contacts)
        }
    }

    func events(after sequence: Int64?, limit: Int) async throws -> [DomainEvent] {
        let ws = self.ws
        return try await storage.read { db in
            try EventRecord.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM events WHERE workspace_id = ? AND sequence > ? ORDER BY sequence LIMIT ?
                """), arguments: [ws, sequence ?? 0, limit]).compactMap(\.event)
        }
    }

    func latestEventSequence() async throws -> Int64 {
        let ws = self.ws
        return try await storage.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(sequence) FROM events WHERE workspace_id = ?"), arguments: [ws]) ?? 0
        }
    }
}
