import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// The workspace's view of the event log: numbered events only, after numbering what it can see.
extension PostgresWorkspace {
    func events(after sequence: Int64?, limit: Int) async throws -> [DomainEvent] {
        try await storage.awaitNumbering(of: workspaceID)
        return try await storage.read { session in
            try await session.rows("""
                SELECT \(unescaped: EventRow.columns) FROM events
                WHERE workspace_id = \(ws) AND position > \(sequence ?? 0)
                ORDER BY position LIMIT \(Int64(max(limit, 0)))
                """, EventRow.event).compactMap { $0 }
        }
    }

    func latestEventSequence() async throws -> Int64 {
        try await storage.awaitNumbering(of: workspaceID)
        return try await storage.read { session in
            try await session.value("SELECT max(position) FROM events WHERE workspace_id = \(ws)", as: Int64?.self) ?? nil
        } ?? 0
    }
}
