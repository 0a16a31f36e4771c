import Logging
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresStorage {
    /// Events numbered by one sequencer step at most.
    static let sequencerBatch: Int64 = 10_000
    /// How long a reader waits for the events it can see to be numbered (held back by an older
    /// transaction that is still running) before it reads what is numbered so far.
    static let numberingWait: Duration = .seconds(2)

    /// Numbers the events whose transactions have finished: gives them consecutive positions after the
    /// highest one, in the order they were written. An event is numbered only once every transaction
    /// older than its own has ended, so no event can later appear below a position a reader has seen.
    ///
    /// One step runs at a time across all nodes (an advisory lock); a call that finds another step
    /// running does nothing. Returns the highest position assigned, or nil when none was.
    /// Readers of the log call it themselves; a node may also call it on a timer to keep positions fresh.
    ///
    /// A step that numbered events notifies every node on ``PostgresEventBus/channel`` with the highest
    /// position, in the same transaction: the notification is sent at commit, so a node it wakes finds
    /// the positions, and it costs no extra round trip. (This is the only transaction that notifies;
    /// message writes never do.)
    public func sequencePendingEvents() async throws -> Int64? {
        try await write { session in
            guard try await session.value("SELECT pg_try_advisory_xact_lock(\(sequencerLockKey))", as: Bool.self) == true
            else { return nil }
            return try await session.value("""
                WITH base AS (SELECT coalesce(max(position), 0) AS last FROM events),
                pending AS (
                    SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM events
                    WHERE position IS NULL AND xid < pg_snapshot_xmin(pg_current_snapshot())
                    ORDER BY seq LIMIT \(Self.sequencerBatch)),
                numbered AS (
                    UPDATE events e SET position = base.last + pending.n FROM base, pending
                    WHERE e.seq = pending.seq
                    RETURNING e.position),
                highest AS (SELECT max(position) AS position FROM numbered)
                SELECT position FROM highest
                WHERE CASE WHEN position IS NULL THEN true ELSE pg_notify(\(Self.eventsChannel), position::text) IS NOT NULL END
                """, as: Int64?.self) ?? nil
        }
    }

    /// The `LISTEN` channel on which ``sequencePendingEvents()`` announces newly numbered events.
    public static let eventsChannel = "switchboard_events"

    /// Events of every workspace after `afterPosition`, in log order. Numbers what is pending first, so
    /// a caller finds the events of writes it has seen commit.
    public func events(afterPosition: Int64, limit: Int) async throws -> [DomainEvent] {
        try await awaitNumbering(of: nil)
        return try await numberedEvents(afterPosition: afterPosition, limit: limit)
    }

    /// The events numbered so far after `afterPosition`, in log order, without waiting for pending
    /// ones: what the cross-node event bus relays. Its reader is woken again once they are numbered
    /// (by the numbering step's notification, or its own sweep).
    func numberedEvents(afterPosition: Int64, limit: Int) async throws -> [DomainEvent] {
        try await read { session in
            try await session.rows("""
                SELECT \(unescaped: EventRow.columns) FROM events WHERE position > \(afterPosition)
                ORDER BY position LIMIT \(Int64(max(limit, 0)))
                """, EventRow.event).compactMap { $0 }
        }
    }

    /// The highest position in the log (0 when it is empty).
    public func latestPosition() async throws -> Int64 {
        try await awaitNumbering(of: nil)
        return try await read { session in
            try await session.value("SELECT max(position) FROM events", as: Int64?.self) ?? nil
        } ?? 0
    }

    /// Returns once every event this caller can already see (of `workspace`, or of all) has a
    /// position, so a reader right after a write finds that write's events; gives up after
    /// ``numberingWait``.
    func awaitNumbering(of workspace: WorkspaceID?) async throws {
        let ws = workspace?.rawValue
        let target = try await read { session in
            try await session.value("""
                SELECT max(seq) FROM events WHERE position IS NULL AND (\(ws)::text IS NULL OR workspace_id = \(ws))
                """, as: Int64?.self) ?? nil
        }
        guard let target else { return }
        let deadline = ContinuousClock.now + Self.numberingWait
        var pause = Duration.milliseconds(1)
        while true {
            _ = try await sequencePendingEvents()
            let waiting = try await read { session in
                try await session.value("""
                    SELECT EXISTS (SELECT 1 FROM events WHERE position IS NULL AND seq <= \(target)
                                   AND (\(ws)::text IS NULL OR workspace_id = \(ws)))
                    """, as: Bool.self) ?? false
            }
            guard waiting, ContinuousClock.now < deadline else {
                if waiting { logger.warning("events not numbered yet: an older transaction is still running") }
                return
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
    }
}
