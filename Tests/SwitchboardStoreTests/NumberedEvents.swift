import Foundation
import SwitchboardCore
import SwitchboardStore

/// True once `condition` holds, polling for up to 15 s.
///
/// PostgreSQL numbers an event only once every older transaction on the server has ended, and a
/// reader waits at most 2 s for that (``PostgresStorage/numberingWait``). The tests share one server
/// and some hold a transaction open on purpose, so a test that reads the log waits here for its own
/// events instead of assuming the server is otherwise idle.
func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(15)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

extension WorkspaceStorage {
    /// The logged events after `sequence` once at least `count` of them are numbered (see ``eventually(_:)``).
    func numberedEvents(after sequence: Int64?, atLeast count: Int, limit: Int = 100) async throws -> [DomainEvent] {
        _ = try await eventually { try await events(after: sequence, limit: limit).count >= count }
        return try await events(after: sequence, limit: limit)
    }
}
