import Synchronization
import SwitchboardCore

/// Where one visitor socket's frames are written. Implemented by the HTTP layer.
public protocol VisitorSink: Sendable {
    /// Writes one frame; false when the socket is gone.
    func write(_ item: VisitorFeed) async -> Bool
    /// Closes the socket (everything queued before has been written).
    func close() async
}

extension VisitorHub {
    /// One open visitor socket: the frames queued for it, written in order by a task that exists only
    /// while there is something to write (``OnDemandQueue``), so acknowledgements and pushed messages
    /// never overtake each other and an idle socket holds no task.
    public final class Connection: Sendable {
        let hub: VisitorHub
        let key: Key
        let id: Identifier
        private let frames: OnDemandQueue<VisitorFeed>
        /// The visitor's messages sent through this socket whose `message.created` has not come by yet
        /// (their external ids): the ack tells this socket, so the broadcast is skipped here (other tabs
        /// of the visitor still get it). Bounded: an entry whose event never arrives ages out.
        private let ownMessages = Mutex<[String]>([])
        static let ownMessagesKept = 16
        /// When the visitor last sent something, in milliseconds since `origin`. Kept here rather than in the
        /// hub's table: every visitor frame touches it, and the table's lock and its look-up by contact
        /// (hashing three ids) were ~1.4 % of the server's time at 3,000 msg/s.
        private let lastActive: Atomic<Int64>
        private static let origin = ContinuousClock.now

        /// A socket's identity in the hub (several tabs of one visitor share a key).
        final class Identifier: Hashable, Sendable {
            static func == (lhs: Identifier, rhs: Identifier) -> Bool { lhs === rhs }
            func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
        }

        init(hub: VisitorHub, key: Key, sink: any VisitorSink) {
            let id = Identifier()
            lastActive = Atomic(Self.milliseconds(.now))
            self.hub = hub
            self.key = key
            self.id = id
            frames = OnDemandQueue(limit: VisitorHub.bufferSize, held: true, handle: { item in
                guard await sink.write(item) else {
                    hub.remove(key: key, id: id)  // the socket is gone
                    return false
                }
                return true
            }, whenDone: { await sink.close() })
        }

        /// Starts writing: `greeting` first (it returns false when the socket is gone), then whatever
        /// was queued meanwhile and afterwards.
        public func start(greeting: @escaping @Sendable () async -> Bool) {
            let (hub, key, id) = (self.hub, self.key, self.id)
            frames.start {
                guard await greeting() else {
                    hub.remove(key: key, id: id)
                    return false
                }
                return true
            }
        }

        /// Queues a frame for this socket; returns false when the socket is closing or was dropped
        /// for being too far behind (its visitor reconnects and catches up from the history).
        @discardableResult
        public func send(_ item: VisitorFeed) -> Bool {
            settle(frames.offer(item))
        }

        /// Queues a frame and, when no task is writing this socket's frames, writes them in the calling
        /// task instead of starting one (a visitor's ack, written by the task that handled its message).
        public func sendNow(_ item: VisitorFeed) async {
            settle(await frames.offerAndDrain(item))
        }

        /// A refused frame ends the socket: dropped at once when too far behind, left to close otherwise.
        @discardableResult
        private func settle(_ offer: OnDemandQueue<VisitorFeed>.Offer) -> Bool {
            if offer == .full { frames.finish(dropping: true) }
            if offer != .accepted { hub.remove(self) }
            return offer == .accepted
        }

        /// The visitor is sending the message with this external id through this socket.
        func expectOwn(_ externalID: String) {
            ownMessages.withLock { own in
                if own.count == Self.ownMessagesKept { own.removeFirst() }
                own.append(externalID)
            }
        }

        /// The message will not come as an event (it failed, or it was stored before).
        func forgetOwn(_ externalID: String) {
            ownMessages.withLock { own in own.removeAll { $0 == externalID } }
        }

        /// Whether `message` was sent through this socket (and is then forgotten).
        func claimOwn(_ message: Message) -> Bool {
            guard let externalID = message.externalID else { return false }
            return ownMessages.withLock { own in
                guard let index = own.firstIndex(of: externalID) else { return false }
                own.remove(at: index)
                return true
            }
        }

        /// Takes no more frames: the socket closes once what is queued has been written.
        public func finish() {
            frames.finish()
            hub.remove(self)
        }

        /// The visitor sent something: the socket is not idle.
        public func touch() { lastActive.store(Self.milliseconds(.now), ordering: .relaxed) }

        /// Whether the visitor has sent nothing for longer than `timeout` at `now`.
        func idle(at now: ContinuousClock.Instant, longerThan timeout: Duration) -> Bool {
            // `inMilliseconds` saturates, so a timeout too long to count means "never idle".
            Self.milliseconds(now) - lastActive.load(ordering: .relaxed) > timeout.inMilliseconds
        }

        private static func milliseconds(_ instant: ContinuousClock.Instant) -> Int64 { (instant - origin).inMilliseconds }
    }
}
