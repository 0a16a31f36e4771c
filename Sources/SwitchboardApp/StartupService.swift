import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardServices
import SwitchboardStore

/// Finishes starting the node once the storage is ready: creates the configured first admin, then
/// marks the node ready (so `/healthz` turns 200), and stays until shutdown.
///
/// A service rather than a step before start: a PostgreSQL storage only becomes ready once the
/// service group runs it. Nodes starting together may both try; the second finds the email taken.
struct StartupService: Service {
    let admin: AppConfig.InitialAdmin?
    let storage: any Storage
    let auth: AuthService
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        try await finishStarting()
        try await gracefulShutdown()
    }

    func finishStarting() async throws {
        // Answers once the storage is migrated and serving, admin or not.
        let hasAdmin = try await storage.directory.hasAdmin()
        if let admin, !hasAdmin {
            do {
                _ = try await auth.createAgent(in: Workspace.defaultID, email: admin.email, name: admin.name,
                                               password: admin.password, role: .admin)
                logger.info("created the first admin", metadata: ["email": "\(admin.email)"])
            } catch StorageError.duplicate {
                // Another node starting at the same moment created it first.
            }
        }
        readiness.markReady()
    }
}
