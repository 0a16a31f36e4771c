import GRDB
import Synchronization

/// Batches concurrent writes into one transaction: the first write starts a commit at once, and every
/// write that arrives while it runs joins the next one. There is no timer, so a lone write is never
/// delayed, and under load each fsync is shared by a whole batch.
///
/// Each write runs in its own savepoint: one that throws is rolled back alone and its caller gets the
/// error, while the rest of the batch commits. Callers are resumed only after the commit returned.
final class GroupCommitter: Sendable {
    /// The longest batch: bounds the latency a write can add to the ones queued with it.
    static let maxBatch = 256

    private struct Job: Sendable {
        /// Runs the write inside the batch transaction and returns how to answer its caller once the
        /// transaction has committed. Throws only when its savepoint cannot be set or undone: the
        /// whole batch is then rolled back.
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        /// Answers the caller when the transaction as a whole failed: nothing of it was committed.
        let fail: @Sendable (any Error) -> Void
    }

    private let writer: any DatabaseWriter
    /// Runs once per batch, after its writes and before the commit (the storage indexes the batch's
    /// messages for search here). If it throws, the whole batch fails.
    private let beforeCommit: @Sendable (Database) throws -> Void
    private let queue = Mutex<(jobs: [Job], flushing: Bool)>(([], false))

    init(writer: any DatabaseWriter, beforeCommit: @escaping @Sendable (Database) throws -> Void = { _ in }) {
        self.writer = writer
        self.beforeCommit = beforeCommit
    }

    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                run: { db in
                    let result = try Self.inSavepoint(db) { Result<T, any Error> { try work(db) } }
                    return { continuation.resume(with: result) }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            let startFlushing = queue.withLock { state in
                state.jobs.append(job)
                defer { state.flushing = true }
                return !state.flushing
            }
            if startFlushing {
                Task { await self.flush() }
            }
        }
    }

    /// Runs `work` in a savepoint, undone alone when it failed. The savepoint statements are prepared
    /// once per connection: GRDB's `inSavepoint` compiles them again for every write, which (with its
    /// statement authorizer) was a measurable share of the writer's time per message.
    private static func inSavepoint<T>(_ db: Database, _ work: () -> Result<T, any Error>) throws -> Result<T, any Error> {
        try db.cachedStatement(sql: "SAVEPOINT write").execute()
        let result = work()
        if case .failure = result {
            // Undo this write only; the batch's transaction goes on.
            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT write").execute()
        }
        try db.cachedStatement(sql: "RELEASE SAVEPOINT write").execute()
        return result
    }

    private func flush() async {
        while true {
            let batch = queue.withLock { state -> [Job] in
                let batch = Array(state.jobs.prefix(Self.maxBatch))
                state.jobs.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let completions = try await writer.write { [beforeCommit] db in
                    let completions = try batch.map { try $0.run(db) }
                    try beforeCommit(db)
                    return completions
                }
                for complete in completions { complete() }
            } catch {
                // Re-running the writes is no option (they need not be idempotent): each caller hears
                // of the failure and may retry.
                for job in batch { job.fail(error) }
            }
        }
    }
}
