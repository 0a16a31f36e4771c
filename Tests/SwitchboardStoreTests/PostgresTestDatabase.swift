import Foundation
import Logging
import PostgresNIO
import Synchronization
@testable import SwitchboardPostgres

/// Fresh PostgreSQL storages for the contract suite, on the database `SWITCHBOARD_TEST_POSTGRES_URL`
/// names: each in a schema of its own (tests run in parallel), dropped once the storage is released.
enum PostgresTestDatabase {
    static var url: String? {
        ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Few connections per storage: dozens of tests hold one at once, and CI's server allows 100.
    static let connectionsPerStorage = 3
    /// Test schemas older than this were left by a run that ended before dropping them.
    static let staleAfter: TimeInterval = 3600
    private static let swept = Mutex(false)

    /// A storage in a new schema (or in `schema`, which several storages may share).
    static func makeStorage(schema: String = newSchemaName()) throws -> PostgresStorage {
        guard let url else { throw InvalidDatabaseURL(url: "", reason: "SWITCHBOARD_TEST_POSTGRES_URL is not set") }
        var configuration = try PostgresStorage.Configuration(url: url)
        configuration.schema = schema
        configuration.maxConnections = connectionsPerStorage
        var logger = Logger(label: "switchboard.test.postgres")
        logger.logLevel = .warning
        let storage = PostgresStorage(configuration: configuration, logger: logger)
        storage.start { client in
            _ = try? await client.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE")
            let firstCleanup = swept.withLock { swept in
                defer { swept = true }
                return !swept
            }
            if firstCleanup { await dropStaleSchemas(client) }
        }
        return storage
    }

    /// `t_<seconds since 1970>_<random>`: unique, and telling when it was made.
    static func newSchemaName() -> String {
        "t_\(Int(Date().timeIntervalSince1970))_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
    }

    /// Drops the schemas that earlier runs left behind (a process may end before its last cleanups ran).
    private static func dropStaleSchemas(_ client: PostgresClient) async {
        guard let rows = try? await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%\\_%'"),
              let names = try? await rows.collect().map({ try $0.decode(String.self) })
        else { return }
        let cutoff = Date().timeIntervalSince1970 - staleAfter
        for name in names {
            let parts = name.split(separator: "_")
            guard parts.count == 3, let made = TimeInterval(parts[1]), made < cutoff,
                  PostgresStorage.isPlainIdentifier(name)
            else { continue }
            _ = try? await client.query("DROP SCHEMA IF EXISTS \(unescaped: name) CASCADE")
        }
    }
}
