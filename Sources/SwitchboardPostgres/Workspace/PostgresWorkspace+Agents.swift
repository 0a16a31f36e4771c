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
}
