import Synchronization

/// Where one visitor socket's frames are written. Implemented by the HTTP layer.
public protocol VisitorSink: Sendable {
    /// Writes one frame; false when the socket is gone.
    func write(_ item: VisitorFeed) async -> Bool
    /// Closes the socket (everything queued before has been written).
    func close() async
}

extension VisitorHub {
    /// One open visitor socket: the frames queued for it and the task that writes them.
    ///
    /// The writer task exists only while there is something to write: an idle socket holds no task
    /// of its own here, which is most of what 10,000 open chats would otherwise cost (a suspended task
    /// keeps its whole async stack). Frames leave in the order they were queued, from one writer at a
    /// time, so acknowledgements and pushed messages never overtake each other.
    public final class Connection: Sendable {
        let hub: VisitorHub
        let key: Key
        let id = Identifier()
        private let sink: any VisitorSink
        private let state = Mutex(State())

        private struct State {
            var queue: [VisitorFeed] = []
            /// A writer task is running (or the greeting has not been written yet).
            var writing = true
            /// No more frames are taken; the writer closes the socket once the queue is empty.
            var finished = false
        }

        /// A socket's identity in the hub (several tabs of one visitor share a key).
        final class Identifier: Hashable, Sendable {
            static func == (lhs: Identifier, rhs: Identifier) -> Bool { lhs === rhs }
            func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
        }

        init(hub: VisitorHub, key: Key, sink: any VisitorSink) {
            self.hub = hub
            self.key = key
            self.sink = sink
        }

        /// Starts writing: `greeting` first (it returns false when the socket is gone), then whatever
        /// was queued meanwhile and afterwards.
        public func start(greeting: @escaping @Sendable () async -> Bool) {
            Task { await self.drain(after: greeting) }
        }

        /// Queues a frame for this socket; returns false when the socket is closing or was dropped
        /// for being too far behind (its visitor reconnects and catches up from the history).
        @discardableResult
        public func send(_ item: VisitorFeed) -> Bool {
            let (accepted, startWriter) = state.withLock { state -> (Bool, Bool) in
                guard !state.finished else { return (false, false) }
                guard state.queue.count < VisitorHub.bufferSize else {
                    state.finished = true
                    state.queue.removeAll()
                    return (false, !state.writing)
                }
                state.queue.append(item)
                if state.writing { return (true, false) }
                state.writing = true
                return (true, true)
            }
            if !accepted { hub.remove(self) }
            if startWriter { Task { await self.drain(after: nil) } }
            return accepted
        }

        /// Takes no more frames: the socket closes once what is queued has been written.
        public func finish() {
            let startWriter = state.withLock { state -> Bool in
                guard !state.finished else { return false }
                state.finished = true
                if state.writing { return false }
                state.writing = true
                return true
            }
            hub.remove(self)
            if startWriter { Task { await self.drain(after: nil) } }
        }

        /// The visitor sent something: the socket is not idle.
        public func touch() { hub.touch(self) }

        private func drain(after greeting: (@Sendable () async -> Bool)?) async {
            if let greeting, await !greeting() { return gone() }
            while true {
                let (batch, close) = state.withLock { state -> ([VisitorFeed], Bool) in
                    guard !state.queue.isEmpty else {
                        // Still `writing` when closing, so no second writer starts.
                        if !state.finished { state.writing = false }
                        return ([], state.finished)
                    }
                    defer { state.queue.removeAll(keepingCapacity: false) }
                    return (state.queue, false)
                }
                if batch.isEmpty {
                    if close { await sink.close() }
                    return
                }
                for item in batch {
                    guard await sink.write(item) else { return gone() }
                }
            }
        }

        /// The socket is gone: nothing more is queued or written.
        private func gone() {
            state.withLock { state in
                state.finished = true
                state.queue.removeAll()
            }
            hub.remove(self)
        }
    }
}
