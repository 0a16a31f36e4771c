import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func createAgent(_ new: NewAgent) async throws -> Agent {
        let agent = Agent(id: .generate(), workspaceID: workspaceID, email: new.email.trimmingWhitespace(), name: new.name,
                          role: new.role, createdAt: Timestamp.date(Timestamp.now()))
        do {
            try await storage.write { session in
                try await session.run("""
                    INSERT INTO agents (id, workspace_id, email, email_key, name, role, password_hash, created_at)
                    VALUES (\(agent.id.rawValue), \(ws), \(agent.email), \(AgentRow.key(new.email)), \(agent.name),
                            \(agent.role.rawValue), \(new.passwordHash), \(Timestamp.milliseconds(agent.createdAt)))
                    """)
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("an agent with this email")
        }
        return agent
    }

    func agent(_ id: AgentID) async throws -> Agent? {
        try await storage.read { session in
            try await session.row("""
                SELECT \(unescaped: AgentRow.columns) FROM agents WHERE workspace_id = \(ws) AND id = \(id.rawValue)
                """, AgentRow.agent)
        }
    }

    func agents() async throws -> [Agent] {
        try await storage.read { session in
            try await session.rows("""
                SELECT \(unescaped: AgentRow.columns) FROM agents WHERE workspace_id = \(ws) ORDER BY created_at, id
                """, AgentRow.agent)
        }
    }

    func addToken(digest: String, for agent: AgentID) async throws {
        try await storage.write { session in
            let added = try await session.count("""
                INSERT INTO agent_tokens (digest, workspace_id, agent_id, created_at)
                SELECT \(digest), workspace_id, id, \(Timestamp.now()) FROM agents WHERE workspace_id = \(ws) AND id = \(agent.rawValue)
                RETURNING digest
                """)
            guard added == 1 else { throw StorageError.notFound("agent") }
        }
    }

    func revokeToken(digest: String) async throws -> Bool {
        try await storage.write { session in
            try await session.count("""
                DELETE FROM agent_tokens WHERE workspace_id = \(ws) AND digest = \(digest) RETURNING digest
                """) == 1
        }
    }

    func updateAgent(_ id: AgentID, name: String?, role: AgentRole?) async throws -> Agent {
        try await storage.write { session in
            // Two admins demoting each other at once would each see the other still an admin under
            // READ COMMITTED; the lock makes the second wait and count again after the first commits.
            if let role, role != .admin {
                try await session.run("SELECT pg_advisory_xact_lock(\(storage.adminLockKey))")
                let wasAdmin = try await session.value("""
                    SELECT role = 'admin' FROM agents WHERE workspace_id = \(ws) AND id = \(id.rawValue)
                    """, as: Bool.self)
                let others = try await session.value("""
                    SELECT count(*) FROM agents WHERE workspace_id = \(ws) AND role = 'admin' AND id <> \(id.rawValue)
                    """, as: Int64.self) ?? 0
                if wasAdmin == true, others == 0 { throw StorageError.lastAdmin }
            }
            guard let agent = try await session.row("""
                UPDATE agents SET name = coalesce(\(name), name), role = coalesce(\(role?.rawValue), role)
                WHERE workspace_id = \(ws) AND id = \(id.rawValue)
                RETURNING \(unescaped: AgentRow.columns)
                """, AgentRow.agent)
            else { throw StorageError.notFound("agent") }
            return agent
        }
    }
}
