import ServiceLifecycle
import SwitchboardStore

/// A storage backend with the buses that carry its events and signals between the parts of the
/// application (and, on PostgreSQL, between nodes), and the services that keep them running.
struct Backend: Sendable {
    let storage: any Storage
    let events: any EventBus
    let signals: any SignalBus
    /// Long-running parts of the backend (a database client, a notification listener).
    let services: [any Service]
    /// True when the storage answers before its services run (SQLite); PostgreSQL waits for its client.
    let isReadyAtOnce: Bool
}
