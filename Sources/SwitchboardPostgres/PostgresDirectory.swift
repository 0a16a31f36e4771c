import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// Global look-ups on PostgreSQL.
struct PostgresDirectory: DirectoryStore {
    let storage: PostgresStorage

    func credentials(email: String) async throws -> AgentCredentials? {
        try await storage.read { session in
            try await session.row("""
                SELECT \(unescaped: AgentRow.columns) FROM agents WHERE email_key = \(AgentRow.key(email))
                ORDER BY created_at LIMIT 1
                """, AgentRow.credentials)
        }
    }

    func agent(tokenDigest digest: String) async throws -> Agent? {
        try await storage.read { session in
            try await session.row("""
                SELECT a.id, a.workspace_id, a.email, a.name, a.role, a.created_at
                FROM agent_tokens t JOIN agents a ON a.id = t.agent_id WHERE t.digest = \(digest)
                """, AgentRow.agent)
        }
    }

    func inboundInbox(_ id: InboxID) async throws -> (inbox: Inbox, tokenDigest: String?)? {
        let found = try await storage.read { session in
            try await session.row("SELECT \(unescaped: InboxRow.columns) FROM inboxes WHERE id = \(id.rawValue)") { row in
                (try InboxRow.inbox(row), try row("inbound_token_digest", as: String?.self))
            }
        }
        return found.map { (inbox: $0.0, tokenDigest: $0.1) }
    }

    func visitorSession(tokenDigest digest: String) async throws -> VisitorSession? {
        try await storage.read { session in
            // The identity, not the session, knows the contact: a merge moves identities along.
            try await session.row("""
                SELECT s.workspace_id, s.inbox_id, s.external_id, s.verified, s.created_at, i.contact_id
                FROM visitor_sessions s JOIN contact_identities i
                  ON i.workspace_id = s.workspace_id AND i.channel = 'web_chat' AND i.external_id = s.external_id
                WHERE s.digest = \(digest)
                """) { row in
                VisitorSession(workspaceID: WorkspaceID(try row("workspace_id")), inboxID: InboxID(try row("inbox_id")),
                               externalID: try row("external_id"), contactID: ContactID(try row("contact_id")),
                               isVerified: try row("verified"), createdAt: Timestamp.date(try row("created_at", as: Int64.self)))
            }
        }
    }

    func hasAdmin() async throws -> Bool {
        try await storage.read { session in
            try await session.value("SELECT EXISTS (SELECT 1 FROM agents WHERE role = 'admin')", as: Bool.self) ?? false
        }
    }

    func createFirstAdmin(_ new: NewAgent, in workspace: WorkspaceID, tokenDigest: String) async throws -> Agent {
        let agent = Agent(id: .generate(), workspaceID: workspace, email: new.email.trimmingWhitespace(), name: new.name,
                          role: .admin, createdAt: Timestamp.date(Timestamp.now()))
        let createdAt = Timestamp.milliseconds(agent.createdAt)
        do {
            try await storage.write { session in
                // Under READ COMMITTED two setups would both find no admin; the lock makes the second
                // look again once the first has committed.
                try await session.run("SELECT pg_advisory_xact_lock(\(storage.adminLockKey))")
                guard try await session.value("SELECT EXISTS (SELECT 1 FROM agents WHERE role = 'admin')", as: Bool.self) == false
                else { throw StorageError.alreadySetUp }
                try await session.run("""
                    INSERT INTO agents (id, workspace_id, email, email_key, name, role, password_hash, created_at)
                    VALUES (\(agent.id.rawValue), \(workspace.rawValue), \(agent.email), \(AgentRow.key(new.email)), \(agent.name),
                            'admin', \(new.passwordHash), \(createdAt))
                    """)
                try await session.run("""
                    INSERT INTO agent_tokens (digest, workspace_id, agent_id, created_at)
                    VALUES (\(tokenDigest), \(workspace.rawValue), \(agent.id.rawValue), \(createdAt))
                    """)
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("an agent with this email")
        }
        return agent
    }
}
