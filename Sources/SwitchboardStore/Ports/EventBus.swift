import SwitchboardCore

/// Tells listeners (realtime sockets, later workers) that events were committed.
///
/// A notification is a wake-up, not the record: listeners read what they missed from the event log
/// (``EventLogStore``), so a notification that is dropped or arrives out of order loses nothing.
/// Services publish only after the write that produced the events has committed.
public protocol EventBus: Sendable {
    func publish(_ events: [DomainEvent])
    /// A stream of published events from now on; it ends when the subscriber stops iterating.
    func subscribe() -> AsyncStream<DomainEvent>
}
