import Logging
import PostgresNIO
import SwitchboardStore

extension PostgresStorage {
    /// The versioned schema, applied in one transaction under an advisory lock: nodes that start
    /// together wait for the first one, then find nothing left to do.
    struct Migrations: Sendable {
        let schema: String?
        let lockKey: Int64
        let logger: Logger

        func apply(on client: PostgresClient) async throws {
            let logger = self.logger
            try await client.withTransaction(logger: logger) { connection in
                let session = Session(connection: connection, logger: logger)
                try await session.run("SELECT pg_advisory_xact_lock(\(lockKey))")
                if let schema {
                    // The name was checked to be a plain identifier; identifiers cannot be bound.
                    try await session.run("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)")
                }
                try await session.run("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)
                    """)
                let applied = Set(try await session.rows("SELECT version FROM schema_migrations") { try $0("version", as: String.self) })
                for (version, statements) in Self.all where !applied.contains(version) {
                    logger.info("migrating the database", metadata: ["version": "\(version)"])
                    for statement in statements { try await session.run(statement) }
                    try await session.run("INSERT INTO schema_migrations (version, applied_at) VALUES (\(version), \(Timestamp.now()))")
                }
            }
        }

        /// Every migration in order: a version name and its statements. Never edit one that shipped.
        static let all: [(String, [PostgresQuery])] = [
            ("v1-foundation", foundation), ("v2-jobs", jobs), ("v3-conversation-numbers", conversationNumbers),
            ("v4-settings", settings),
        ]
    }
}
