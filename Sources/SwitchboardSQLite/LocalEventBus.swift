import SwitchboardCore
import SwitchboardStore

/// The in-process event bus of a single node.
///
/// A slow subscriber loses wake-ups, never data, because it reads the event log after the last
/// event it delivered.
public final class LocalEventBus: EventBus {
    /// Events buffered per subscriber before the oldest are dropped.
    static let bufferSize = 1024

    private let broadcaster = LocalBroadcaster<DomainEvent>(bufferSize: LocalEventBus.bufferSize)

    public init() {}

    public func publish(_ events: [DomainEvent]) {
        guard !events.isEmpty else { return }
        broadcaster.publish(events)
    }

    public func subscribe() -> AsyncStream<DomainEvent> { broadcaster.subscribe() }

    /// How many subscribers are listening (for metrics and tests).
    public var subscriberCount: Int { broadcaster.subscriberCount }
}
