import Synchronization
import SwitchboardCore

/// The text of recent events' realtime frames, shared by the agent sockets of one router.
///
/// A committed event's frame depends on the event alone, and every agent socket that may see the event
/// sends it: encoding it once per event instead of once per socket took the encoding from 7.8-8.3 % of
/// the server's CPU samples to 0.8-1.0 % with 11 agent sockets open at 2,000 messages/s (BENCHMARKS.md,
/// 2026-12-07). Events are looked up by their log sequence, which names one event for good.
final class EventFrameCache: Sendable {
    /// Recent events kept; a socket far behind the bus reads the log and encodes its own frames.
    static let slots = 1024

    private let entries = Mutex<[(sequence: Int64, text: String)?]>(Array(repeating: nil, count: slots))

    func text(for event: DomainEvent) throws -> String {
        let slot = Int(truncatingIfNeeded: event.sequence) & (Self.slots - 1)
        if let cached = entries.withLock({ $0[slot] }), cached.sequence == event.sequence { return cached.text }
        // Encoded outside the lock: two sockets may both encode a new event, which costs only the time.
        let text = try RealtimeFrame(event).text()
        entries.withLock { $0[slot] = (event.sequence, text) }
        return text
    }
}
