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
        /// transaction has committed.
        let run: @Sendable (Database) -> @Sendable () -> Void
        /// Answers the caller when the transaction as a whole failed: nothing of it was committed.
        let fail: @Sendable (any Error) -> Void
    }

    private let writer: any DatabaseWriter
    private let queue = Mutex<(jobs: [Job], flushing: Bool)>(([], false))

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                run: { db in
                    let result = Result<T, any Error> {
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        return value!
                    }
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
                let completions = try await writer.write { db in batch.map { $0.run(db) } }
                for complete in completions { complete() }
            } catch {
                // Re-running the writes is no option (they need not be idempotent): each caller hears
                // of the failure and may retry.
                for job in batch { job.fail(error) }
            }
        }
    }
}
