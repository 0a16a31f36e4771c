import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func createInbox(_ new: NewInbox) async throws -> Inbox {
        let inbox = Inbox(id: .generate(), workspaceID: workspaceID, name: new.name, channel: new.channel,
                          settings: new.settings, createdAt: Timestamp.date(Timestamp.now()))
        let settings = try JSONColumn.encode(new.settings)
        try await storage.write { session in
            try await session.run("""
                INSERT INTO inboxes (id, workspace_id, name, channel, settings, inbound_token_digest, created_at)
                VALUES (\(inbox.id.rawValue), \(ws), \(inbox.name), \(inbox.channel.rawValue), \(settings),
                        \(new.inboundTokenDigest), \(Timestamp.milliseconds(inbox.createdAt)))
                """)
        }
        return inbox
    }

    func inbox(_ id: InboxID) async throws -> Inbox? {
        try await storage.read { session in
            try await session.row("""
                SELECT \(unescaped: InboxRow.columns) FROM inboxes WHERE workspace_id = \(ws) AND id = \(id.rawValue)
                """, InboxRow.inbox)
        }
    }

    func inboxes() async throws -> [Inbox] {
        try await storage.read { session in
            try await session.rows("""
                SELECT \(unescaped: InboxRow.columns) FROM inboxes WHERE workspace_id = \(ws) ORDER BY created_at, id
                """, InboxRow.inbox)
        }
    }
}
