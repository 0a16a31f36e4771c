import SwitchboardCore

/// An agent to create, with the bcrypt hash of its password (hashing is the service's job).
public struct NewAgent: Sendable, Hashable {
    public let email: String
    public let name: String
    public let role: AgentRole
    public let passwordHash: String

    public init(email: String, name: String, role: AgentRole, passwordHash: String) {
        self.email = email
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
    }
}

/// What a login checks: the agent and its stored password hash.
public struct AgentCredentials: Sendable, Hashable {
    public let agent: Agent
    public let passwordHash: String

    public init(agent: Agent, passwordHash: String) {
        self.agent = agent
        self.passwordHash = passwordHash
    }
}
