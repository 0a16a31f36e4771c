import Foundation
import ServiceLifecycle
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Routes committed events and live signals to the visitor sockets of this node.
///
/// One subscription to each bus serves every visitor: a dispatch is a dictionary look-up by contact,
/// so 10,000 idle visitors cost nothing per message. Visitors are told only about public messages
/// of their own contact in their own inbox.
public final class VisitorHub: Service, Sendable {
    /// Frames buffered per visitor socket; a visitor this far behind is dropped and reconnects.
    public static let bufferSize = 256

    struct Key: Hashable {
        let workspace: WorkspaceID
        let contact: ContactID
        let inbox: InboxID
    }

    private let events: any EventBus
    private let signals: any SignalBus
    /// A socket whose visitor sent nothing for this long is closed (the widget reconnects when needed).
    private let idleTimeout: Duration
    private let sockets = Mutex<[Key: [Connection.Identifier: Connection]]>([:])

    public init(events: any EventBus, signals: any SignalBus, idleTimeout: Duration = .seconds(3600)) {
        self.events = events
        self.signals = signals
        self.idleTimeout = idleTimeout
    }

    /// Registers a visitor's socket, whose frames go to `sink`. Nothing is written before the
    /// connection is started (``Connection/start(greeting:)``); it leaves the hub when finished.
    public func connect(_ session: VisitorSession, sink: any VisitorSink) -> Connection {
        let key = Key(workspace: session.workspaceID, contact: session.contactID, inbox: session.inboxID)
        let connection = Connection(hub: self, key: key, sink: sink)
        sockets.withLock { $0[key, default: [:]][connection.id] = connection }
        return connection
    }

    func remove(_ connection: Connection) { remove(key: connection.key, id: connection.id) }

    func remove(key: Key, id: Connection.Identifier) {
        sockets.withLock { sockets in
            guard sockets[key]?.removeValue(forKey: id) != nil else { return }
            if sockets[key]?.isEmpty == true { sockets[key] = nil }
        }
    }

    /// Closes the sockets idle for longer than the timeout; returns how many.
    @discardableResult
    public func closeIdle(now: ContinuousClock.Instant = .now) -> Int {
        let idle = sockets.withLock { sockets in
            sockets.values.flatMap(\.values).filter { $0.idle(at: now, longerThan: idleTimeout) }
        }
        for connection in idle {
            connection.send(.refused(code: "idle", message: "Closed after a long silence; reconnect to go on.", clientID: nil))
            connection.finish()
        }
        return idle.count
    }

    /// Visitor sockets open on this node.
    public var connectionCount: Int { sockets.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    public func run() async throws {
        let events = self.events.subscribe()
        let signals = self.signals.subscribe()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await event in events { self.dispatch(event) }
                }
                group.addTask {
                    for await signal in signals { self.dispatch(signal) }
                }
                group.addTask {
                    // One sweep for every socket: cheaper than a timer per connection.
                    let period = min(self.idleTimeout / 4, .seconds(60))
                    while !Task.isCancelled {
                        try? await Task.sleep(for: period)
                        self.closeIdle()
                    }
                }
            }
        }
    }

    func dispatch(_ event: DomainEvent) {
        guard event.kind == .messageCreated, case .message(let message)? = event.payload, !message.isPrivate,
              let contact = event.contactID, let inbox = event.inboxID
        else { return }
        let targets = connections(for: Key(workspace: event.workspaceID, contact: contact, inbox: inbox))
        // The socket the visitor wrote it from has its ack; the visitor's other tabs need the message.
        for connection in targets where !connection.claimOwn(message) { connection.send(.message(message)) }
    }

    func dispatch(_ signal: LiveSignal) {
        switch signal {
        case .typing(let typing) where typing.actor.kind != .contact:
            deliver(.typing(typing.isTyping), to: Key(workspace: typing.workspaceID, contact: typing.contactID, inbox: typing.inboxID))
        case .typing:
            return
        case .presence(let presence):
            // Rare (an agent's socket opens or closes), so telling every visitor is affordable.
            let targets = sockets.withLock { sockets in
                sockets.filter { $0.key.workspace == presence.workspaceID }.values.flatMap(\.values)
            }
            for connection in targets { connection.send(.presence(agentsOnline: presence.anyAgentOnline)) }
        }
    }

    private func deliver(_ item: VisitorFeed, to key: Key) {
        // A socket too far behind is dropped by its connection (its visitor reconnects and catches up).
        for connection in connections(for: key) { connection.send(item) }
    }

    /// The open sockets of one visitor in one inbox (one per tab).
    private func connections(for key: Key) -> [Connection] {
        sockets.withLock { $0[key].map { Array($0.values) } ?? [] }
    }
}
