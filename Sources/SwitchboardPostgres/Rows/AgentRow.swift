import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// Reading rows of `agents`.
enum AgentRow {
    static let columns = "id, workspace_id, email, name, role, password_hash, created_at"

    static func agent(_ row: Columns) throws -> Agent {
        Agent(id: AgentID(try row("id")), workspaceID: WorkspaceID(try row("workspace_id")), email: try row("email"),
              name: try row("name"), role: AgentRole(rawValue: try row("role")) ?? .agent,
              createdAt: Timestamp.date(try row("created_at", as: Int64.self)))
    }

    static func credentials(_ row: Columns) throws -> AgentCredentials {
        AgentCredentials(agent: try agent(row), passwordHash: try row("password_hash"))
    }

    /// Emails compare case-insensitively.
    static func key(_ email: String) -> String { email.trimmingWhitespace().lowercased() }
}
