import GRDB
import Synchronization

/// A connection of its own for the reads that look one row up by key, run on the caller's thread.
///
/// A read through the pool hops to a reader's dispatch thread and back: two thread wake-ups, which on
/// this kind of virtual machine cost more CPU than the read itself. In a loop of `GET`s of one
/// conversation, the server spent ~550 µs of CPU per request, a quarter of its samples switching
/// threads (2026-12-07). Here the read runs at once on the calling thread (GRDB's synchronous read on
/// an idle queue runs inline) — but only if the connection is free: a caller that finds it busy goes
/// through the pool instead of waiting, so an event loop never blocks on another thread's read.
/// Only short look-ups by key belong here; anything that may scan or sort stays on the pool.
final class PointReader: Sendable {
    private let connection: DatabaseQueue
    private let busy = Atomic<Bool>(false)

    init(path: String, configuration: Configuration) throws {
        var configuration = configuration
        configuration.readonly = true
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The result of `work`, or nil (without running it) when another caller has the connection.
    func readIfIdle<T>(_ work: (Database) throws -> T) throws -> T? {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return nil }
        defer { busy.store(false, ordering: .releasing) }
        return try connection.read(work)
    }
}
