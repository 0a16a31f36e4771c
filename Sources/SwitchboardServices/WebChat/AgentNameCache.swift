import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Agents' display names for visitor frames, read once and again only when an unknown agent appears.
final class AgentNameCache: Sendable {
    private let storage: any Storage
    private let names = Mutex<[AgentID: String]>([:])

    init(storage: any Storage) {
        self.storage = storage
    }

    func name(of agent: AgentID, in workspace: WorkspaceID) async -> String? {
        if let known = names.withLock({ $0[agent] }) { return known }
        guard let agents = try? await storage.workspace(workspace).agents() else { return nil }
        return names.withLock { names in
            for each in agents { names[each.id] = each.name }
            return names[agent]
        }
    }
}
