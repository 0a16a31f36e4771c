import GRDB
import SwitchboardCore
import SwitchboardStore

/// Global look-ups on SQLite.
struct SQLiteDirectory: DirectoryStore {
    let storage: SQLiteStorage

    func credentials(email: String) async throws -> AgentCredentials? {
        let key = AgentRecord.key(email)
        return try await storage.read { db in
            try AgentRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM agents WHERE email_key = ? ORDER BY created_at LIMIT 1"),
                                     arguments: [key])?.credentials
        }
    }

    func agent(tokenDigest digest: String) async throws -> Agent? {
        try await storage.pointRead { db in
            try PositionedRow.first(db.cachedStatement(sql: Self.agentByTokenSQL), arguments: [digest], read: AgentRecord.agent(id:row:))
        }
    }

    private static let agentByTokenSQL = """
        SELECT \(PositionedRow.selectList(AgentRecord.agentColumns, of: "a"))
        FROM agent_tokens t JOIN agents a ON a.id = t.agent_id WHERE t.digest = ?
        """

    func inboundInbox(_ id: InboxID) async throws -> (inbox: Inbox, tokenDigest: String?)? {
        try await storage.pointRead { db -> (inbox: Inbox, tokenDigest: String?)? in
            guard let record = try InboxRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM inboxes WHERE id = ?"),
                                                        arguments: [id.rawValue])
            else { return nil }
            return (try record.inbox(), record.inboundTokenDigest)
        }
    }

    func visitorSession(tokenDigest digest: String) async throws -> VisitorSession? {
        try await storage.pointRead { db in
            // The identity, not the session, knows the contact: a merge moves identities along.
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT s.workspace_id, s.inbox_id, s.external_id, s.verified, s.created_at, i.contact_id
                FROM visitor_sessions s JOIN contact_identities i
                  ON i.workspace_id = s.workspace_id AND i.channel = 'web_chat' AND i.external_id = s.external_id
                WHERE s.digest = ?
                """), arguments: [digest])
            else { return nil }
            return VisitorSession(workspaceID: WorkspaceID(row["workspace_id"]), inboxID: InboxID(row["inbox_id"]),
                                  externalID: row["external_id"], contactID: ContactID(row["contact_id"]),
                                  isVerified: row["verified"], createdAt: Timestamp.date(row["created_at"]))
        }
    }

    func hasAdmin() async throws -> Bool {
        try await storage.read(Self.anyAdmin)
    }

    /// Whether any workspace has an admin: setup may run only while none has.
    private static func anyAdmin(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM agents WHERE role = 'admin')")) ?? false
    }

    func createFirstAdmin(_ new: NewAgent, in workspace: WorkspaceID, tokenDigest: String) async throws -> Agent {
        let now = Timestamp.now()
        let record = AgentRecord(
            id: AgentID.generate().rawValue, workspaceId: workspace.rawValue, email: new.email.trimmingWhitespace(),
            emailKey: AgentRecord.key(new.email), name: new.name, role: AgentRole.admin.rawValue,
            passwordHash: new.passwordHash, createdAt: now)
        do {
            // Writes run one at a time, so no other setup can insert an admin between the check and ours.
            try await storage.write { db in
                guard try !Self.anyAdmin(db) else { throw StorageError.alreadySetUp }
                try record.insert(db)
                try db.cachedStatement(sql: "INSERT INTO agent_tokens (digest, workspace_id, agent_id, created_at) VALUES (?, ?, ?, ?)").execute(
                    arguments: [tokenDigest, workspace.rawValue, record.id, now])
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("an agent with this email")
        }
        return record.agent
    }
}
