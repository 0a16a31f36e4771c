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
            try AgentRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM agents WHERE workspace_id = ? AND id = ?"),
                                     arguments: [ws, id.rawValue])?.agent
        }
    }

    func agents() async throws -> [Agent] {
        let ws = self.ws
        return try await storage.read { db in
            try AgentRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM agents WHERE workspace_id = ? ORDER BY created_at, id"),
                                     arguments: [ws]).map(\.agent)
        }
    }

    func addToken(digest: String, for agent: AgentID) async throws {
        let ws = self.ws
        try await storage.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO agent_tokens (digest, workspace_id, agent_id, created_at)
                SELECT ?, workspace_id, id, ? FROM agents WHERE workspace_id = ? AND id = ?
                """).execute(arguments: [digest, Timestamp.now(), ws, agent.rawValue])
            guard db.changesCount == 1 else { throw StorageError.notFound("agent") }
        }
    }

    func revokeToken(digest: String) async throws -> Bool {
        let ws = self.ws
        return try await storage.write { db in
            try db.cachedStatement(sql: "DELETE FROM agent_tokens WHERE workspace_id = ? AND digest = ?").execute(arguments: [ws, digest])
            return db.changesCount == 1
        }
    }

    func updateAgent(_ id: AgentID, name: String?, role: AgentRole?) async throws -> Agent {
        let ws = self.ws
        // One write transaction, and SQLite runs those one at a time: no demotion can slip in between
        // counting the other admins and saving.
        return try await storage.write { db in
            guard var record = try AgentRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM agents WHERE workspace_id = ? AND id = ?"),
                                                        arguments: [ws, id.rawValue])
            else { throw StorageError.notFound("agent") }
            if let role, role != .admin, record.role == AgentRole.admin.rawValue {
                let others = try Int.fetchOne(db.cachedStatement(sql: """
                    SELECT count(*) FROM agents WHERE workspace_id = ? AND role = 'admin' AND id <> ?
                    """), arguments: [ws, id.rawValue]) ?? 0
                guard others > 0 else { throw StorageError.lastAdmin }
            }
            if let name { record.name = name }
            if let role { record.role = role.rawValue }
            try record.update(db)
            return record.agent
        }
    }
}
