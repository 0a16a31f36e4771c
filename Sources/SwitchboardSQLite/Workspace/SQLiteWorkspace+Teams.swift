import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func createTeam(name: String, agentIDs: [AgentID]) async throws -> Team {
        let ws = self.ws
        let members = Array(Set(agentIDs)).sorted()
        let id = TeamID.generate()
        let now = Timestamp.now()
        do {
            try await storage.write { db in
                try db.cachedStatement(sql: "INSERT INTO teams (id, workspace_id, name, created_at) VALUES (?, ?, ?, ?)").execute(
                    arguments: [id.rawValue, ws, name, now])
                for agent in members {
                    try db.cachedStatement(sql: """
                        INSERT INTO team_members (workspace_id, team_id, agent_id)
                        SELECT ?, ?, id FROM agents WHERE workspace_id = ? AND id = ?
                        """).execute(arguments: [ws, id.rawValue, ws, agent.rawValue])
                    guard db.changesCount == 1 else { throw StorageError.notFound("agent \(agent)") }
                }
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("a team with this name")
        }
        return Team(id: id, name: name, agentIDs: members, createdAt: Timestamp.date(now))
    }

    func team(_ id: TeamID) async throws -> Team? {
        try await teams(where: id).first
    }

    func teams() async throws -> [Team] {
        try await teams(where: nil)
    }

    private func teams(where id: TeamID?) async throws -> [Team] {
        let ws = self.ws
        return try await storage.read { db in
            var sql: SQL = "SELECT id, name, created_at FROM teams WHERE workspace_id = \(ws)"
            if let id { sql += " AND id = \(id.rawValue)" }
            sql += " ORDER BY created_at, id"
            return try Row.fetchAll(db, SQLRequest<Row>(literal: sql)).map { row in
                let teamID: String = row["id"]
                let members = try String.fetchAll(
                    db.cachedStatement(sql: "SELECT agent_id FROM team_members WHERE workspace_id = ? AND team_id = ? ORDER BY agent_id"),
                    arguments: [ws, teamID])
                return Team(id: TeamID(teamID), name: row["name"], agentIDs: members.map { AgentID($0) },
                            createdAt: Timestamp.date(row["created_at"] as Int64))
            }
        }
    }
}
