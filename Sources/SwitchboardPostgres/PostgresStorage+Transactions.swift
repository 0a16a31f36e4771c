import Logging
import PostgresNIO
import SwitchboardStore

extension PostgresStorage {
    /// How often a write that lost a race to a concurrent one is run again from the start.
    static let maxAttempts = 8

    /// Runs `work` as one transaction (READ COMMITTED). A transaction that lost a race with a
    /// concurrent writer (deadlock, serialization failure, or ``WriteConflict`` thrown by the work
    /// itself after a `… ON CONFLICT DO NOTHING` found the row taken) is rolled back and run again.
    func write<T: Sendable>(_ work: (Session) async throws -> T) async throws -> T {
        try await gate.wait()
        var attempt = 1
        while true {
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await work(Session(connection: connection, logger: logger))
                }
            } catch {
                let cause = Self.cause(of: error)
                // A BEGIN that failed (a pooled connection the server had closed) ran nothing: safe to rerun.
                let beginFailed = (error as? PostgresTransactionError).map { $0.beginError != nil } ?? false
                if attempt < Self.maxAttempts, beginFailed || Self.isRetryable(cause) {
                    attempt += 1
                    continue
                }
                throw StorageError(postgres: cause) ?? cause
            }
        }
    }

    /// Runs `work` on a pooled connection without a transaction: for reads of one statement, or
    /// whose statements need not agree with each other.
    func read<T: Sendable>(_ work: (Session) async throws -> T) async throws -> T {
        try await gate.wait()
        do {
            return try await client.withConnection { connection in
                try await work(Session(connection: connection, logger: logger))
            }
        } catch {
            throw StorageError(postgres: error) ?? error
        }
    }

    /// The error inside postgres-nio's transaction wrapper: what the work, `BEGIN` or `COMMIT` threw.
    private static func cause(of error: any Error) -> any Error {
        guard let wrapped = error as? PostgresTransactionError else { return error }
        return wrapped.closureError ?? wrapped.commitError ?? wrapped.beginError ?? error
    }

    private static func isRetryable(_ error: any Error) -> Bool {
        if error is WriteConflict { return true }
        guard let state = (error as? PSQLError)?.serverInfo?[.sqlState] else { return false }
        return state == PostgresError.Code.serializationFailure.raw || state == PostgresError.Code.deadlockDetected.raw
    }
}

/// Thrown inside a write when a concurrent transaction took a row this one meant to create: the
/// whole transaction is run again and then finds that row.
struct WriteConflict: Error {}
