import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func createAgent(_ new: NewAgent) async throws -> Agent {
        let record = AgentRecord(
            id: AgentID.generate().rawValue, workspaceId: ws, email: new.email.trimmingWhitespace(),
            emailKey: AgentRecord.key(new.email), name: new.name, role: new.role.rawValue,
            passwordHash: new.passwordHash, createdAt: Timestamp.now())
        do {
            try await storage.write { db in try record.insert(db) }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("an agent with this email")
        }
        return record.agent
    }

    func agent(_ id: AgentID) async throws -> Agent? {
        let ws = self.ws
        return try await storage.read { db in
            try AgentRecord.fetchOne(db, sql: "SELECT * FROM agents WHERE workspace_id = ? AND id = ?",
                                     arguments: [ws, id.rawValue])?.agent
        }
    }

    func agents() async throws -> [Agent] {
        let ws = self.ws
        return try await storage.read { db in
            try AgentRecord.fetchAll(db, sql: "SELECT * FROM agents WHERE workspace_id = ? ORDER BY created_at, id",
                                     arguments: [ws]).map(\.agent)
        }
    }

    func addToken(digest: String, for agent: AgentID) async throws {
        let ws = self.ws
        try await storage.write { db in
            try db.execute(
                sql: """
                    INSERT INTO agent_tokens (digest, workspace_id, agent_id, created_at)
                    SELECT ?, workspace_id, id, ? FROM agents WHERE workspace_id = ? AND id = ?
                    """,
                arguments: [digest, Timestamp.now(), ws, agent.rawValue])
            guard db.changesCount == 1 else { throw StorageError.notFound("agent") }
        }
    }
}
