import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func createInbox(_ new: NewInbox) async throws -> Inbox {
        let record = InboxRecord(
            id: InboxID.generate().rawValue, workspaceId: ws, name: new.name, channel: new.channel.rawValue,
            settings: try JSONColumn.encode(new.settings), inboundTokenDigest: new.inboundTokenDigest,
            createdAt: Timestamp.now())
        try await storage.write { db in try record.insert(db) }
        return try record.inbox()
    }

    func inbox(_ id: InboxID) async throws -> Inbox? {
        let ws = self.ws
        return try await storage.read { db in
            try InboxRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM inboxes WHERE workspace_id = ? AND id = ?"),
                                     arguments: [ws, id.rawValue])?.inbox()
        }
    }

    func inboxes() async throws -> [Inbox] {
        let ws = self.ws
        return try await storage.read { db in
            try InboxRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM inboxes WHERE workspace_id = ? ORDER BY created_at, id"),
                                     arguments: [ws]).map { try $0.inbox() }
        }
    }
}
