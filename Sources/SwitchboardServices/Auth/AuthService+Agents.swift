import SwitchboardCore
import SwitchboardStore

extension AuthService {
    /// Renames an agent or changes its role on behalf of an admin. The store refuses to demote the
    /// workspace's last admin (`StorageError.lastAdmin`).
    public func updateAgent(_ id: AgentID, by actor: Agent, name: String?, role: AgentRole?) async throws -> Agent {
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can change agents.") }
        let name = name?.trimmingWhitespace()
        if let name { try Validate.text(name, field: "name", max: 200) }
        return try await storage.workspace(actor.workspaceID).updateAgent(id, name: name, role: role)
    }
}
