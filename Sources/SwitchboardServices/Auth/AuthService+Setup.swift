import SwitchboardCore
import SwitchboardStore

extension AuthService {
    /// True until the installation has an admin: the agent app then offers first-run setup.
    public func needsSetup() async throws -> Bool {
        !(try await storage.directory.hasAdmin())
    }

    /// First-run setup: creates the first admin in the default workspace and signs them in.
    /// Throws `StorageError.alreadySetUp` once any admin exists, even when two setups race.
    public func setUp(email: String, name: String, password: String) async throws -> Login {
        // Checked before the bcrypt hash too, so that calls after setup cost no hashing.
        guard try await needsSetup() else { throw StorageError.alreadySetUp }
        let email = email.trimmingWhitespace()
        let name = name.trimmingWhitespace()
        try Validate.email(email)
        try Validate.text(name, field: "name", max: 200)
        try Validate.password(password)
        let token = Secrets.token()
        let hash = await PasswordHashing.hash(password, cost: bcryptCost)
        let agent = try await storage.directory.createFirstAdmin(
            NewAgent(email: email, name: name, role: .admin, passwordHash: hash),
            in: Workspace.defaultID, tokenDigest: Secrets.digest(token))
        return Login(token: token, agent: agent)
    }
}
