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
    static let bufferSize = 256

    /// One open visitor socket.
    public struct Connection: Sendable {
        public let feed: AsyncStream<VisitorFeed>
        let continuation: AsyncStream<VisitorFeed>.Continuation

        /// Queues a frame for this socket only (acknowledgements, refusals).
        public func send(_ item: VisitorFeed) { continuation.yield(item) }
        /// Ends the feed: the socket closes once what is queued has been written.
        public func finish() { continuation.finish() }
    }

    private struct Key: Hashable {
        let workspace: WorkspaceID
        let contact: ContactID
        let inbox: InboxID
    }

    private let events: any EventBus
    private let signals: any SignalBus
    private let sockets = Mutex<[Key: [UUID: AsyncStream<VisitorFeed>.Continuation]]>([:])

    public init(events: any EventBus, signals: any SignalBus) {
        self.events = events
        self.signals = signals
    }

    /// Registers a visitor's socket; it is removed when the returned feed ends.
    public func connect(_ session: VisitorSession) -> Connection {
        let (feed, continuation) = AsyncStream.makeStream(of: VisitorFeed.self, bufferingPolicy: .bufferingOldest(Self.bufferSize))
        let key = Key(workspace: session.workspaceID, contact: session.contactID, inbox: session.inboxID)
        let id = UUID()
        sockets.withLock { $0[key, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.sockets.withLock { sockets in
                sockets[key]?[id] = nil
                if sockets[key]?.isEmpty == true { sockets[key] = nil }
            }
        }
        return Connection(feed: feed, continuation: continuation)
    }

    /// Visitor sockets open on this node.
    public var connectionCount: Int { sockets.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    public func run() async throws {
        let events = self.events.subscribe()
        let signals = self.signals.subscribe()
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await event in events.cancelOnGracefulShutdown() { self.dispatch(event) }
            }
            group.addTask {
                for await signal in signals.cancelOnGracefulShutdown() { self.dispatch(signal) }
            }
        }
    }

    func dispatch(_ event: DomainEvent) {
        guard event.kind == .messageCreated, case .message(let message)? = event.payload, !message.isPrivate,
              let contact = event.contactID, let inbox = event.inboxID
        else { return }
        deliver(.message(message), to: Key(workspace: event.workspaceID, contact: contact, inbox: inbox))
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
            for continuation in targets { continuation.yield(.presence(agentsOnline: presence.anyAgentOnline)) }
        }
    }

    private func deliver(_ item: VisitorFeed, to key: Key) {
        let targets = sockets.withLock { $0[key].map { Array($0.values) } ?? [] }
        for continuation in targets {
            if case .dropped = continuation.yield(item) { continuation.finish() }
        }
    }
}
