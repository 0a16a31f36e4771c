import GRDB
import SwitchboardCore
import SwitchboardStore

/// Global look-ups on SQLite.
struct SQLiteDirectory: DirectoryStore {
    let storage: SQLiteStorage

    func credentials(email: String) async throws -> AgentCredentials? {
        let key = AgentRecord.key(email)
        return try await storage.read { db in
            try AgentRecord.fetchOne(db, sql: "SELECT * FROM agents WHERE email_key = ? ORDER BY created_at LIMIT 1",
                                     arguments: [key])?.credentials
        }
    }

    func agent(tokenDigest digest: String) async throws -> Agent? {
        try await storage.read { db in
            try AgentRecord.fetchOne(db, sql: """
                SELECT agents.* FROM agent_tokens JOIN agents ON agents.id = agent_tokens.agent_id
                WHERE agent_tokens.digest = ?
                """, arguments: [digest])?.agent
        }
    }

    func inboundInbox(_ id: InboxID) async throws -> (inbox: Inbox, tokenDigest: String?)? {
        try await storage.read { db -> (inbox: Inbox, tokenDigest: String?)? in
            guard let record = try InboxRecord.fetchOne(db, sql: "SELECT * FROM inboxes WHERE id = ?",
                                                        arguments: [id.rawValue])
            else { return nil }
            return (try record.inbox(), record.inboundTokenDigest)
        }
    }

    func hasAdmin() async throws -> Bool {
        try await storage.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM agents WHERE role = 'admin')") ?? false
        }
    }
}
