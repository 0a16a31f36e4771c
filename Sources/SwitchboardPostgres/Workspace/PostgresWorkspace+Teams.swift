import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func createTeam(name: String, agentIDs: [AgentID]) async throws -> Team {
        let members = Array(Set(agentIDs)).sorted()
        let team = Team(id: .generate(), name: name, agentIDs: members, createdAt: Timestamp.date(Timestamp.now()))
        do {
            try await storage.write { session in
                try await session.run("""
                    INSERT INTO teams (id, workspace_id, name, created_at)
                    VALUES (\(team.id.rawValue), \(ws), \(name), \(Timestamp.milliseconds(team.createdAt)))
                    """)
                guard !members.isEmpty else { return }
                let added = try await session.rows("""
                    INSERT INTO team_members (workspace_id, team_id, agent_id)
                    SELECT workspace_id, \(team.id.rawValue), id FROM agents
                    WHERE workspace_id = \(ws) AND id = ANY(\(members.map(\.rawValue)))
                    RETURNING agent_id
                    """) { AgentID(try $0("agent_id", as: String.self)) }
                if let missing = members.first(where: { !added.contains($0) }) {
                    throw StorageError.notFound("agent \(missing)")
                }
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("a team with this name")
        }
        return team
    }

    func team(_ id: TeamID) async throws -> Team? {
        try await storage.read { session in
            try await session.row("\(unescaped: Self.teamSelect) WHERE t.workspace_id = \(ws) AND t.id = \(id.rawValue)", Self.team)
        }
    }

    func teams() async throws -> [Team] {
        try await storage.read { session in
            try await session.rows("\(unescaped: Self.teamSelect) WHERE t.workspace_id = \(ws) ORDER BY t.created_at, t.id", Self.team)
        }
    }

    private static let teamSelect = """
        SELECT t.id, t.name, t.created_at,
            ARRAY(SELECT m.agent_id FROM team_members m WHERE m.workspace_id = t.workspace_id AND m.team_id = t.id
                  ORDER BY m.agent_id) AS members
        FROM teams t
        """

    private static func team(_ row: Columns) throws -> Team {
        Team(id: TeamID(try row("id")), name: try row("name"),
             agentIDs: try row("members", as: [String].self).map { AgentID($0) },
             createdAt: Timestamp.date(try row("created_at", as: Int64.self)))
    }
}
