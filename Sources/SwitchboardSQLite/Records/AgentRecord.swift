import GRDB
import SwitchboardCore
import SwitchboardStore

/// A row of `agents`.
struct AgentRecord: SnakeCaseRecord {
    static let databaseTableName = "agents"

    var id: String
    var workspaceId: String
    var email: String
    var emailKey: String
    var name: String
    var role: String
    var passwordHash: String
    var createdAt: Int64

    var agent: Agent {
        Agent(id: AgentID(id), workspaceID: WorkspaceID(workspaceId), email: email, name: name,
              role: AgentRole(rawValue: role) ?? .agent, createdAt: Timestamp.date(createdAt))
    }

    var credentials: AgentCredentials { AgentCredentials(agent: agent, passwordHash: passwordHash) }

    /// The columns ``agent(id:row:)`` reads, in its order (the password hash is not among them).
    static let agentColumns = ["id", "workspace_id", "email", "name", "role", "created_at"]

    /// An agent read by column position (``PositionedRow``) from a select of ``agentColumns``. Every
    /// authenticated request looks its agent up first, and decoding a whole record through `Codable` with
    /// snake-case keys was ~1.4 % of the server's samples at 3,000 msg/s with 300 replies/s (2026-12-07).
    static func agent(id: String, row: PositionedRow) throws -> Agent {
        AgentRecord(id: id, workspaceId: try row.required(1), email: try row.required(2), emailKey: "",
                    name: try row.required(3), role: try row.required(4), passwordHash: "",
                    createdAt: try row.required(5)).agent
    }

    /// Emails compare case-insensitively.
    static func key(_ email: String) -> String { email.trimmingWhitespace().lowercased() }
}
