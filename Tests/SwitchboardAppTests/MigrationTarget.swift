import Foundation
import Logging
import PostgresNIO
@testable import SwitchboardPostgres

/// PostgreSQL targets for the data-migration tests, on the database `SWITCHBOARD_TEST_POSTGRES_URL`
/// names: each test copies into a schema of its own, dropped once the checking storage is released.
enum MigrationTarget {
    static var url: String? {
        ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `t_<seconds since 1970>_<random>`, the pattern the store tests sweep when a run leaves one behind.
    static func newSchema() -> String {
        "t_\(Int(Date().timeIntervalSince1970))_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
    }

    static var logger: Logger {
        var logger = Logger(label: "switchboard.test.migration")
        logger.logLevel = .error
        return logger
    }

    /// A running storage on `schema`, which drops the schema when released.
    static func storage(schema: String) async throws -> PostgresStorage {
        guard let url else { throw InvalidDatabaseURL(url: "", reason: "SWITCHBOARD_TEST_POSTGRES_URL is not set") }
        var configuration = try PostgresStorage.Configuration(url: url)
        configuration.schema = schema
        configuration.maxConnections = 3
        let storage = PostgresStorage(configuration: configuration, logger: logger)
        storage.start { client in
            _ = try? await client.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE")
        }
        try await storage.waitUntilReady()
        return storage
    }
}
