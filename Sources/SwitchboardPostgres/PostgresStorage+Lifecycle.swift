import Logging
import PostgresNIO

extension PostgresStorage {
    /// Connects, migrates (under an advisory lock, so nodes starting together migrate once), and
    /// keeps the connection pool running until the task is cancelled or the service group shuts
    /// down gracefully. Throws when the schema cannot be migrated. Call this or ``start()``, once.
    public func run() async throws {
        try await Self.serve(client: client, gate: gate, migrations: migrations) { untilStopped in
            await untilStopped()
        }
    }

    /// Runs the storage in a task of its own until the storage is deinitialised: for programs that
    /// have no service group (command-line tools). Call this or ``run()``, once.
    public func start() {
        start(beforeStopping: nil)
    }

    /// ``start()``, with `cleanup` run on the still-connected client once the storage is released
    /// (tests drop their schema there). The task holds the parts it needs, never the storage itself,
    /// so releasing the storage is what ends it.
    func start(beforeStopping cleanup: (@Sendable (PostgresClient) async -> Void)?) {
        let released = self.released.stream
        Task { [client, gate, migrations] in
            try? await Self.serve(client: client, gate: gate, migrations: migrations) { _ in
                for await _ in released {}
                await cleanup?(client)
            }
        }
    }

    private var migrations: Migrations {
        Migrations(schema: schema, lockKey: migrationLockKey, logger: logger)
    }

    /// Runs the client, migrates and opens the gate, then runs `body` (handed a function that waits
    /// for the client to stop by itself) and stops the client when `body` returns.
    private static func serve(client: PostgresClient, gate: ReadyGate, migrations: Migrations,
                              body: @escaping @Sendable (_ untilStopped: @Sendable () async -> Void) async -> Void) async throws {
        let stopped = AsyncStream<Void>.makeStream()
        defer { gate.close(with: StorageStopped()) }
        let running = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                running.continuation.finish()
                await client.run()
                stopped.continuation.finish()
            }
            // Migrating only once the client's task is under way: a lease before `run()` is waited for
            // all the same, but postgres-nio logs a warning for it at every start.
            for await _ in running.stream {}
            do {
                try await migrations.apply(on: client)
                gate.open()
            } catch {
                migrations.logger.error("the database could not be migrated", metadata: ["error": "\(String(reflecting: error))"])
                gate.close(with: error)
                throw error
            }
            await body { for await _ in stopped.stream {} }
            group.cancelAll()
        }
    }
}

/// What a port call reports once the storage has stopped running.
public struct StorageStopped: Error, Sendable, Hashable {
    public init() {}
}
