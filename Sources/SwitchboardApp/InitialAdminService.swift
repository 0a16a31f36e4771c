import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardServices
import SwitchboardStore

/// Creates the configured first admin once the storage is ready, then stays until shutdown.
///
/// A service rather than a step before start: a PostgreSQL storage only becomes ready once the
/// service group runs it. Nodes starting together may both try; the second finds the email taken.
struct InitialAdminService: Service {
    let admin: AppConfig.InitialAdmin
    let storage: any Storage
    let auth: AuthService
    let logger: Logger

    func run() async throws {
        try await createIfMissing()
        try await gracefulShutdown()
    }

    func createIfMissing() async throws {
        if try await !storage.directory.hasAdmin() {
            do {
                _ = try await auth.createAgent(in: Workspace.defaultID, email: admin.email, name: admin.name,
                                               password: admin.password, role: .admin)
                logger.info("created the first admin", metadata: ["email": "\(admin.email)"])
            } catch StorageError.duplicate {
                // Another node starting at the same moment created it first.
            }
        }
    }
}
