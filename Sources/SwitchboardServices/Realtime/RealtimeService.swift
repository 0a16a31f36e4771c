import SwitchboardCore
import SwitchboardStore

/// What an agent's realtime connection reads: the workspace's event log, woken by the event bus.
public struct RealtimeService: Sendable {
    /// Events read from the log per query while catching up.
    public static let batchSize = 500

    private let storage: any Storage
    private let bus: any EventBus

    public init(storage: any Storage, events: any EventBus) {
        self.storage = storage
        self.bus = events
    }

    /// Wake-ups for committed events. Subscribe before reading the log, so nothing committed in
    /// between is missed.
    public func wakeUps() -> AsyncStream<DomainEvent> { bus.subscribe() }

    /// Where a connection starts: after `after` when the client asks for replay, else after the newest event.
    public func startingPoint(for agent: Agent, after: Int64?) async throws -> Int64 {
        if let after { return max(0, after) }
        return try await storage.workspace(agent.workspaceID).latestEventSequence()
    }

    /// The next events the agent may see after `sequence`, oldest first.
    public func events(for agent: Agent, after sequence: Int64) async throws -> [DomainEvent] {
        // Every agent sees every inbox until inbox membership exists; private notes are for agents.
        try await storage.workspace(agent.workspaceID).events(after: sequence, limit: Self.batchSize)
    }
}
