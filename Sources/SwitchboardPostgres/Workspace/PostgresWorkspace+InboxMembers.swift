import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func setInboxMembers(_ inbox: InboxID, agents: [AgentID]) async throws -> [AgentID] {
        let members = Set(agents).sorted()
        return try await storage.write { session in
            // Locking the inbox makes concurrent replacements of its members apply one after another.
            guard try await session.count("""
                SELECT id FROM inboxes WHERE workspace_id = \(ws) AND id = \(inbox.rawValue) FOR UPDATE
                """) == 1
            else { throw StorageError.notFound("inbox") }
            try await session.run("DELETE FROM inbox_members WHERE workspace_id = \(ws) AND inbox_id = \(inbox.rawValue)")
            guard !members.isEmpty else { return [] }
            let added = try await session.rows("""
                INSERT INTO inbox_members (workspace_id, inbox_id, agent_id)
                SELECT workspace_id, \(inbox.rawValue), id FROM agents WHERE workspace_id = \(ws) AND id = ANY(\(members.map(\.rawValue)))
                RETURNING agent_id
                """) { AgentID(try $0("agent_id", as: String.self)) }
            if let missing = members.first(where: { !added.contains($0) }) {
                throw StorageError.notFound("agent \(missing)")
            }
            return members
        }
    }

    func inboxMembers(_ inbox: InboxID) async throws -> [AgentID] {
        let members = try await storage.read { session in
            try await session.row("""
                SELECT ARRAY(SELECT agent_id FROM inbox_members WHERE workspace_id = i.workspace_id AND inbox_id = i.id
                             ORDER BY agent_id) AS members
                FROM inboxes i WHERE i.workspace_id = \(ws) AND i.id = \(inbox.rawValue)
                """) { try $0("members", as: [String].self) }
        }
        guard let members else { throw StorageError.notFound("inbox") }
        return members.map { AgentID($0) }
    }

    func inboxIDs(of agent: AgentID) async throws -> Set<InboxID> {
        try await storage.read { session in
            Set(try await session.rows("""
                SELECT inbox_id FROM inbox_members WHERE workspace_id = \(ws) AND agent_id = \(agent.rawValue)
                """) { InboxID(try $0("inbox_id", as: String.self)) })
        }
    }
}
