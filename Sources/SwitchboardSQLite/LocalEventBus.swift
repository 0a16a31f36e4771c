import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// The in-process event bus of a single node.
///
/// Each subscriber has a bounded buffer that keeps the newest events: a slow subscriber loses
/// wake-ups, never data, because it reads the event log after the last event it delivered.
public final class LocalEventBus: EventBus {
    /// Events buffered per subscriber before the oldest are dropped.
    static let bufferSize = 1024

    private let subscribers = Mutex<[UUID: AsyncStream<DomainEvent>.Continuation]>([:])

    public init() {}

    public func publish(_ events: [DomainEvent]) {
        guard !events.isEmpty else { return }
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            for event in events { continuation.yield(event) }
        }
    }

    public func subscribe() -> AsyncStream<DomainEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: DomainEvent.self,
                                                            bufferingPolicy: .bufferingNewest(Self.bufferSize))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many subscribers are listening (for metrics and tests).
    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}
