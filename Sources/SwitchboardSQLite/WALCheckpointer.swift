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
///
/// Every checkpoint ends with a sync of the database file (p50 7.6 ms under load), and a sync of the
/// log issued meanwhile can wait behind it at the disk: the longer the interval, the more pages that
/// sync carries. 50 ms kept the chat benchmark's p99 lower than 100 ms did in every one of 5
/// alternating pairs at 3,500 msg/s (15–28 ms against 18–73 ms); 25 ms was no better, 400 ms and 1 s
/// were worse (BENCHMARKS.md, 2026-12-07).
final class WALCheckpointer: Sendable {
    /// Pages of log at which the writer checkpoints by itself (SQLite's default is 1,000).
    static let writerThreshold = 10_000

    private let task: Task<Void, Never>

    init(path: String, configuration: Configuration, interval: Duration = .milliseconds(50)) throws {
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
