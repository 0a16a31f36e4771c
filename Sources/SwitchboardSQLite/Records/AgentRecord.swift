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

    /// Emails compare case-insensitively.
    static func key(_ email: String) -> String { email.trimmingWhitespace().lowercased() }
}
