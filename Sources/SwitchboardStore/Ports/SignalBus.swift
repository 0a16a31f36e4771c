import SwitchboardCore

/// Carries momentary signals (typing, presence) to every connected screen. Nothing is stored: a
/// subscriber that is not listening when a signal is published never sees it.
public protocol SignalBus: Sendable {
    func publish(_ signal: LiveSignal)
    /// Signals published from now on; the stream ends when the subscriber stops iterating.
    func subscribe() -> AsyncStream<LiveSignal>
}
