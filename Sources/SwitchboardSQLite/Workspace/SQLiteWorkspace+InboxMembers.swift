import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func setInboxMembers(_ inbox: InboxID, agents: [AgentID]) async throws -> [AgentID] {
        let workspace = workspaceID
        return try await storage.write { db in
            guard try Self.exists("inboxes", inbox.rawValue, workspace: workspace, in: db)
            else { throw StorageError.notFound("inbox") }
            try db.cachedStatement(sql: "DELETE FROM inbox_members WHERE workspace_id = ? AND inbox_id = ?").execute(
                arguments: [workspace.rawValue, inbox.rawValue])
            for agent in Set(agents) {
                guard try Self.exists("agents", agent.rawValue, workspace: workspace, in: db)
                else { throw StorageError.notFound("agent \(agent)") }
                try db.cachedStatement(sql: "INSERT INTO inbox_members (workspace_id, inbox_id, agent_id) VALUES (?, ?, ?)").execute(
                    arguments: [workspace.rawValue, inbox.rawValue, agent.rawValue])
            }
            return Set(agents).sorted()
        }
    }

    func inboxMembers(_ inbox: InboxID) async throws -> [AgentID] {
        let workspace = workspaceID
        return try await storage.read { db in
            guard try Self.exists("inboxes", inbox.rawValue, workspace: workspace, in: db)
            else { throw StorageError.notFound("inbox") }
            return try String.fetchAll(db.cachedStatement(sql: """
                SELECT agent_id FROM inbox_members WHERE workspace_id = ? AND inbox_id = ? ORDER BY agent_id
                """), arguments: [workspace.rawValue, inbox.rawValue]).map { AgentID($0) }
        }
    }

    func inboxIDs(of agent: AgentID) async throws -> Set<InboxID> {
        let ws = self.ws
        return try await storage.read { db in
            Set(try String.fetchAll(db.cachedStatement(sql: "SELECT inbox_id FROM inbox_members WHERE workspace_id = ? AND agent_id = ?"),
                                    arguments: [ws, agent.rawValue]).map { InboxID($0) })
        }
    }
}
