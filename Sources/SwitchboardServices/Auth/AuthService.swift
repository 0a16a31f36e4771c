import Logging
import SwitchboardCore
import SwitchboardStore

/// Agents, logins and API tokens.
public struct AuthService: Sendable {
    /// A successful login: a fresh API token (shown once) and the agent.
    public struct Login: Sendable {
        public let token: String
        public let agent: Agent
    }

    let storage: any Storage
    let bcryptCost: UInt8
    /// Checked when the email is unknown, so that a wrong email costs as much time as a wrong
    /// password and logins do not reveal which emails exist.
    private let decoy: DecoyHash

    /// - Parameter bcryptCost: the work factor of password hashes (tests use a low one).
    public init(storage: any Storage, bcryptCost: UInt8 = 12) {
        self.storage = storage
        self.bcryptCost = bcryptCost
        self.decoy = DecoyHash(cost: bcryptCost)
    }

    public func login(email: String, password: String) async throws -> Login {
        let credentials = try await storage.directory.credentials(email: email)
        // An unknown email costs a hash check too, so timing does not tell which emails exist.
        let hash: String
        if let stored = credentials?.passwordHash { hash = stored } else { hash = await decoy.value() }
        let valid = await PasswordHashing.verify(password, hash: hash)
        guard valid, let agent = credentials?.agent else {
            throw ServiceError.unauthenticated("Wrong email or password.")
        }
        let token = Secrets.token()
        try await storage.workspace(agent.workspaceID).addToken(digest: Secrets.digest(token), for: agent.id)
        return Login(token: token, agent: agent)
    }

    /// Signs out: the token stops authenticating at once, on every node.
    public func logout(_ agent: Agent, token: String) async throws {
        try await storage.workspace(agent.workspaceID).revokeToken(digest: Secrets.digest(token))
    }

    /// The agent a bearer token belongs to.
    public func authenticate(token: String) async throws -> Agent {
        guard !token.isEmpty, token.count <= 256,
              let agent = try await storage.directory.agent(tokenDigest: Secrets.digest(token))
        else { throw ServiceError.unauthenticated("The access token is missing, unknown or revoked.") }
        return agent
    }

    /// Creates an agent on behalf of an admin.
    public func createAgent(by actor: Agent, email: String, name: String, password: String, role: AgentRole) async throws -> Agent {
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can create agents.") }
        return try await createAgent(in: actor.workspaceID, email: email, name: name, password: password, role: role)
    }

    /// Creates an agent without an acting admin: the CLI's `admin create`.
    public func createAgent(in workspace: WorkspaceID, email: String, name: String, password: String,
                            role: AgentRole) async throws -> Agent {
        let email = email.trimmingWhitespace()
        let name = name.trimmingWhitespace()
        try Validate.email(email)
        try Validate.text(name, field: "name", max: 200)
        try Validate.password(password)
        let hash = await PasswordHashing.hash(password, cost: bcryptCost)
        return try await storage.workspace(workspace).createAgent(
            NewAgent(email: email, name: name, role: role, passwordHash: hash))
    }

    public func agents(for actor: Agent) async throws -> [Agent] {
        try await storage.workspace(actor.workspaceID).agents()
    }

    /// Creates a team on behalf of an admin.
    public func createTeam(by actor: Agent, name: String, agentIDs: [AgentID]) async throws -> Team {
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can create teams.") }
        let name = name.trimmingWhitespace()
        try Validate.text(name, field: "name", max: 100)
        return try await storage.workspace(actor.workspaceID).createTeam(name: name, agentIDs: agentIDs)
    }

    public func teams(for actor: Agent) async throws -> [Team] {
        try await storage.workspace(actor.workspaceID).teams()
    }
}
