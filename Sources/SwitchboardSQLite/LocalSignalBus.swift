import SwitchboardCore
import SwitchboardStore

/// The in-process signal bus of a single node: typing and presence reach the sockets of this process.
public final class LocalSignalBus: SignalBus {
    /// Signals buffered per subscriber; typing is worthless once stale, so the oldest go first.
    static let bufferSize = 256

    private let broadcaster = LocalBroadcaster<LiveSignal>(bufferSize: LocalSignalBus.bufferSize)

    public init() {}

    public func publish(_ signal: LiveSignal) { broadcaster.publish(CollectionOfOne(signal)) }

    public func subscribe() -> AsyncStream<LiveSignal> { broadcaster.subscribe() }
}
