import SwitchboardCore
import SwitchboardStore

/// What an agent's realtime connection reads: the workspace's event log, woken by the event bus,
/// plus the live signals (typing, presence) that are never logged.
public struct RealtimeService: Sendable {
    /// Events read from the log per query while catching up.
    public static let batchSize = 500

    /// A page of the log as one agent may see it.
    public struct Batch: Sendable {
        /// The events the agent may see, oldest first.
        public let events: [DomainEvent]
        /// The sequence of the last event read, seen or not: where the next read starts.
        public let cursor: Int64
        /// True when the log may hold more after `cursor`.
        public let isFull: Bool
    }

    private let storage: any Storage
    private let bus: any EventBus
    private let signals: any SignalBus
    public let presence: PresenceRegistry

    public init(storage: any Storage, events: any EventBus, signals: any SignalBus, presence: PresenceRegistry) {
        self.storage = storage
        self.bus = events
        self.signals = signals
        self.presence = presence
    }

    /// Wake-ups for committed events. Subscribe before reading the log, so nothing committed in
    /// between is missed.
    public func wakeUps() -> AsyncStream<DomainEvent> { bus.subscribe() }

    /// Typing and presence signals from now on.
    public func liveSignals() -> AsyncStream<LiveSignal> { signals.subscribe() }

    /// Where a connection starts: after `after` when the client asks for replay, else after the newest event.
    public func startingPoint(for agent: Agent, after: Int64?) async throws -> Int64 {
        if let after { return max(0, after) }
        return try await storage.workspace(agent.workspaceID).latestEventSequence()
    }

    /// The inboxes whose events the agent receives: all for an admin, else those they are a member of.
    public func scope(for agent: Agent) async throws -> InboxScope {
        try await InboxScope.of(agent, in: storage.workspace(agent.workspaceID))
    }

    /// The next events after `sequence` that `scope` lets the agent see.
    public func events(for agent: Agent, in scope: InboxScope, after sequence: Int64) async throws -> Batch {
        let read = try await storage.workspace(agent.workspaceID).events(after: sequence, limit: Self.batchSize)
        return Batch(events: read.filter { scope.allows($0.inboxID) }, cursor: read.last?.sequence ?? sequence,
                     isFull: read.count == Self.batchSize)
    }
}

/// The inboxes an agent's screen covers, over the API and the realtime socket alike. Events about no
/// inbox (contacts) are everyone's.
public enum InboxScope: Sendable, Hashable {
    case all
    case only(Set<InboxID>)

    /// Every inbox for an admin, else the inboxes the agent is a member of.
    public static func of(_ agent: Agent, in store: any WorkspaceStorage) async throws -> InboxScope {
        if agent.isAdmin { return .all }
        return .only(try await store.inboxIDs(of: agent.id))
    }

    /// The inboxes a query must stay within; nil for all.
    public var inboxes: Set<InboxID>? {
        if case .only(let inboxes) = self { inboxes } else { nil }
    }

    public func allows(_ inbox: InboxID?) -> Bool {
        guard let inbox, case .only(let inboxes) = self else { return true }
        return inboxes.contains(inbox)
    }
}
