import SwitchboardCore

/// Agents and their API tokens.
public protocol AgentStore: Sendable {
    /// Creates an agent. Throws `StorageError.duplicate` when the email is taken (case-insensitive).
    func createAgent(_ agent: NewAgent) async throws -> Agent
    func agent(_ id: AgentID) async throws -> Agent?
    /// Every agent, oldest first.
    func agents() async throws -> [Agent]
    /// Stores an API token (by its SHA-256 digest) for an agent.
    func addToken(digest: String, for agent: AgentID) async throws
    /// Forgets an API token, so it no longer authenticates. False when no token of the workspace has
    /// this digest.
    @discardableResult
    func revokeToken(digest: String) async throws -> Bool
    /// Renames an agent and/or changes its role (nil leaves a field alone). Throws `.notFound` for an
    /// unknown agent, and `.conflict` when the change would leave the workspace without an admin;
    /// concurrent demotions can never both pass that check.
    func updateAgent(_ id: AgentID, name: String?, role: AgentRole?) async throws -> Agent
}

/// Teams of agents.
public protocol TeamStore: Sendable {
    /// Creates a team. Throws `.duplicate` for a taken name, `.notFound` for an unknown agent.
    func createTeam(name: String, agentIDs: [AgentID]) async throws -> Team
    func team(_ id: TeamID) async throws -> Team?
    func teams() async throws -> [Team]
}

/// Inboxes, one per configured channel.
public protocol InboxStore: Sendable {
    func createInbox(_ inbox: NewInbox) async throws -> Inbox
    func inbox(_ id: InboxID) async throws -> Inbox?
    /// Every inbox, oldest first.
    func inboxes() async throws -> [Inbox]
}
