import GRDB

/// Copies the write-ahead log back into the database file from a connection of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the one
/// writer: every ~1,000 pages of log, a commit also copies them into the database file and syncs it,
/// and every write queued behind that commit waits. Here a PASSIVE checkpoint (it never takes the
/// write lock and leaves alone what readers still need) runs every `interval` on a separate
/// connection, so the writer only appends to the log, and starts it over once a checkpoint has copied
/// all of it. The writer keeps its automatic checkpoint, at a higher threshold
/// (``writerThreshold``), as a backstop for a checkpointer that falls behind.
final class WALCheckpointer: Sendable {
    /// Pages of log at which the writer checkpoints by itself (SQLite's default is 1,000).
    static let writerThreshold = 10_000

    private let task: Task<Void, Never>

    init(path: String, configuration: Configuration, interval: Duration = .milliseconds(100)) throws {
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        task = Task.detached(priority: .utility) {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                // A failed attempt (the database busy, say) is simply tried again next time; the
                // writer's own threshold bounds the log meanwhile.
                _ = try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
        }
    }

    deinit { task.cancel() }
}
