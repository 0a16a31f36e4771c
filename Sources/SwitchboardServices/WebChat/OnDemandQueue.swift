import Synchronization

/// Items handled one at a time, in the order they were offered, by a task that exists only while some
/// are waiting. An idle socket then holds no task of its own, which is most of what thousands of open
/// chats would otherwise cost (a suspended task keeps its whole async stack). Serves both directions of
/// a visitor socket: frames out (``VisitorHub/Connection``) and frames in (the HTTP layer's reader).
public final class OnDemandQueue<Item: Sendable>: Sendable {
    /// What became of an offered item.
    public enum Offer: Sendable, Equatable {
        case accepted
        /// `limit` items wait already; nothing changed.
        case full
        /// The queue was finished or abandoned; the item is dropped.
        case closed
    }

    private struct State {
        var items: [Item] = []
        /// A task is handling items, or the queue is held until ``start(first:)``.
        var running: Bool
        /// No more items are taken.
        var closed = false
        /// Run `whenDone` once the waiting items are handled.
        var closing = false
    }

    private let limit: Int
    private let handle: @Sendable (Item) async -> Bool
    private let whenDone: @Sendable () async -> Void
    private let state: Mutex<State>

    /// - Parameters:
    ///   - limit: how many items may wait.
    ///   - held: items wait until ``start(first:)`` (a socket's greeting goes before anything queued).
    ///   - handle: handles one item; false when its destination is gone: the rest are dropped.
    ///   - whenDone: runs after the last item once the queue was finished (not when it was stopped).
    public init(limit: Int, held: Bool = false, handle: @escaping @Sendable (Item) async -> Bool,
                whenDone: @escaping @Sendable () async -> Void = {}) {
        self.limit = limit
        self.handle = handle
        self.whenDone = whenDone
        self.state = Mutex(State(running: held))
    }

    /// Releases a held queue: `first` runs before any waiting item (false: the destination is gone).
    public func start(first: @escaping @Sendable () async -> Bool) {
        Task {
            guard await first() else { return self.stop() }
            await self.drain()
        }
    }

    public func offer(_ item: Item) -> Offer {
        let (offer, idle) = enqueue(item)
        if idle { Task { await self.drain() } }
        return offer
    }

    /// Like ``offer(_:)``, but when no task is handling items the caller's task handles them (this one
    /// and any offered meanwhile) before returning: one task fewer to start and switch to.
    public func offerAndDrain(_ item: Item) async -> Offer {
        let (offer, idle) = enqueue(item)
        if idle { await drain() }
        return offer
    }

    /// Appends the item; `idle` when no one was handling items: the caller must drain (now `running`).
    private func enqueue(_ item: Item) -> (offer: Offer, idle: Bool) {
        state.withLock { state in
            guard !state.closed else { return (.closed, false) }
            guard state.items.count < limit else { return (.full, false) }
            state.items.append(item)
            if state.running { return (.accepted, false) }
            state.running = true
            return (.accepted, true)
        }
    }

    /// Takes no more items; `whenDone` runs once those waiting have been handled. With `dropping`,
    /// those waiting are dropped first (a destination too far behind).
    public func finish(dropping: Bool = false) {
        let startTask = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.closed = true
            state.closing = true
            if dropping { state.items.removeAll() }
            if state.running { return false }
            state.running = true
            return true
        }
        if startTask { Task { await self.drain() } }
    }

    /// Takes no more items and drops those waiting; `whenDone` does not run.
    public func stop() {
        state.withLock { state in
            state.closed = true
            state.closing = false
            state.items.removeAll()
        }
    }

    private func drain() async {
        while true {
            let (next, done) = state.withLock { state -> (Item?, Bool) in
                guard state.items.isEmpty else { return (state.items.removeFirst(), false) }
                // Still `running` when done, so no second task starts.
                if !state.closing { state.running = false }
                return (nil, state.closing)
            }
            guard let next else {
                if done { await whenDone() }
                return
            }
            guard await handle(next) else { return stop() }
        }
    }
}
