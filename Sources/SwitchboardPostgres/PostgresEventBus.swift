import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Carries committed events to every node sharing the database.
///
/// Writers never notify inside their transaction (that would serialise every commit on PostgreSQL's
/// notification lock). After a commit, ``publish(_:)`` only wakes this node's reader. The reader
/// numbers pending events (``PostgresStorage/sequencePendingEvents()``, one node at a time under an
/// advisory lock, which tells the other nodes with one `NOTIFY` per batch), and then reads the log from
/// its cursor and hands every new event to this node's subscribers, its own node's and the others'
/// alike, in log order. A reader woken only by another node's notification skips the numbering step:
/// the notifier has just done it. A node that lost its connection reads from its cursor when it is
/// back, so it misses nothing; a periodic sweep covers events held back by a transaction that was
/// still open.
public final class PostgresEventBus: EventBus, Service {
    static let channel = PostgresStorage.eventsChannel
    /// Events buffered per local subscriber (a slow one loses wake-ups, never data: see EventBus).
    static let bufferSize = 4096
    /// Events read from the log per query.
    static let batchSize = 1000

    private let storage: PostgresStorage
    private let logger: Logger
    private let broadcaster = LocalBroadcaster<DomainEvent>(bufferSize: PostgresEventBus.bufferSize)
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    /// Raised by this node's commits and the sweep: the next catch-up numbers pending events first.
    private let needsNumbering = Atomic<Bool>(true)
    /// How often the reader looks even when nobody woke it.
    private let sweepInterval: Duration

    public init(storage: PostgresStorage, sweepInterval: Duration = .milliseconds(500), logger: Logger) {
        self.storage = storage
        self.sweepInterval = sweepInterval
        self.logger = logger
    }

    public func publish(_ events: [DomainEvent]) {
        guard !events.isEmpty else { return }
        needsNumbering.store(true, ordering: .releasing)
        wake.continuation.yield()
    }

    public func subscribe() -> AsyncStream<DomainEvent> { broadcaster.subscribe() }

    public func run() async throws {
        let start = try await storage.latestPosition()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.listen() }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.sweepInterval)
                        self.needsNumbering.store(true, ordering: .releasing)
                        self.wake.continuation.yield()
                    }
                }
                group.addTask {
                    var cursor = start
                    for await _ in self.wake.stream {
                        do {
                            cursor = try await self.catchUp(from: cursor)
                        } catch {
                            self.logger.warning("event log unavailable", metadata: ["error": "\(String(reflecting: error))"])
                            try? await Task.sleep(for: .milliseconds(200))
                            self.needsNumbering.store(true, ordering: .releasing)
                            self.wake.continuation.yield()
                        }
                    }
                }
            }
        }
    }

    /// Numbers what is pending, tells the other nodes, and delivers everything after `cursor`.
    private func catchUp(from cursor: Int64) async throws -> Int64 {
        if needsNumbering.exchange(false, ordering: .acquiringAndReleasing) {
            _ = try await storage.sequencePendingEvents()
        }
        var cursor = cursor
        while true {
            let events = try await storage.numberedEvents(afterPosition: cursor, limit: Self.batchSize)
            guard let last = events.last else { return cursor }
            broadcaster.publish(events)
            cursor = last.sequence
            if events.count < Self.batchSize { return cursor }
        }
    }

    /// Wakes the reader on every notification from another node, reconnecting when the connection drops.
    private func listen() async {
        while !Task.isCancelled {
            do {
                try await storage.client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // Anything that happened while not listening is read now.
                        self.wake.continuation.yield()
                        for try await _ in notifications { self.wake.continuation.yield() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("lost the event notifications; reconnecting", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
