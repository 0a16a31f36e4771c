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
/// advisory lock), tells the other nodes with one `NOTIFY` per batch, and then reads the log from its
/// cursor and hands every new event to this node's subscribers, its own node's and the others' alike,
/// in log order. A node that lost its connection reads from its cursor when it is back, so it misses
/// nothing; a periodic sweep covers events held back by a transaction that was still open.
public final class PostgresEventBus: EventBus, Service {
    static let channel = "switchboard_events"
    /// Events buffered per local subscriber (a slow one loses wake-ups, never data: see EventBus).
    static let bufferSize = 4096
    /// Events read from the log per query.
    static let batchSize = 1000

    private let storage: PostgresStorage
    private let logger: Logger
    private let broadcaster = LocalBroadcaster<DomainEvent>(bufferSize: PostgresEventBus.bufferSize)
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    /// How often the reader looks even when nobody woke it.
    private let sweepInterval: Duration

    public init(storage: PostgresStorage, sweepInterval: Duration = .milliseconds(500), logger: Logger) {
        self.storage = storage
        self.sweepInterval = sweepInterval
        self.logger = logger
    }

    public func publish(_ events: [DomainEvent]) {
        guard !events.isEmpty else { return }
        wake.continuation.yield()
    }

    public func subscribe() -> AsyncStream<DomainEvent> { broadcaster.subscribe() }

    public func run() async throws {
        let start = try await storage.latestPosition()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.listen() }
                group.addTask {
                    while !Task.isCancelled { try? await Task.sleep(for: self.sweepInterval); self.wake.continuation.yield() }
                }
                group.addTask {
                    var cursor = start
                    for await _ in self.wake.stream {
                        do {
                            cursor = try await self.catchUp(from: cursor)
                        } catch {
                            self.logger.warning("event log unavailable", metadata: ["error": "\(String(reflecting: error))"])
                            try? await Task.sleep(for: .milliseconds(200))
                            self.wake.continuation.yield()
                        }
                    }
                }
            }
        }
    }

    /// Numbers what is pending, tells the other nodes, and delivers everything after `cursor`.
    private func catchUp(from cursor: Int64) async throws -> Int64 {
        if let numbered = try await storage.sequencePendingEvents() {
            try await storage.client.query("SELECT pg_notify(\(Self.channel), \(String(numbered)))", logger: logger)
        }
        var cursor = cursor
        while true {
            let events = try await storage.events(afterPosition: cursor, limit: Self.batchSize)
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
