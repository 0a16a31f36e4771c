import Foundation

/// A person who answers customers.
public struct Agent: Sendable, Hashable, Codable {
    public let id: AgentID
    public let workspaceID: WorkspaceID
    public var email: String
    public var name: String
    public var role: AgentRole
    public let createdAt: Date

    public init(id: AgentID, workspaceID: WorkspaceID, email: String, name: String, role: AgentRole, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }

    public var isAdmin: Bool { role == .admin }
}

/// What an agent may do: admins configure the workspace, agents work conversations.
public enum AgentRole: String, Sendable, Codable, CaseIterable {
    case admin
    case agent
}
