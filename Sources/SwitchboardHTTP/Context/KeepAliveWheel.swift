import NIOCore
import Synchronization

/// The keep-alive checks of all sockets on one event loop, driven by one timer.
///
/// A timer per socket cost every socket a `RepeatedTask` (a promise, a future and an entry in the loop's
/// timer heap, re-made at every check), and with 10,000 sockets the loop spent a few per cent of its time
/// re-sorting that heap. Here the sockets sit in `slotCount` slots and the one timer checks one slot per
/// `interval / slotCount`, so each socket is still checked once per `interval`, and the checks (and the
/// pings they send) are spread over the interval instead of falling on one tick. A socket joins the slot
/// checked last, so its first check comes one interval after it opened, as with its own timer.
///
/// Everything but the registry runs on the wheel's event loop.
final class KeepAliveWheel {
    static let slotCount = 32

    /// The wheel of each event loop and interval, made when a socket first needs it and dropped when its
    /// last socket is gone (so a loop with no sockets has no timer).
    private static let wheels = Mutex<[Key: NIOLoopBound<KeepAliveWheel>]>([:])

    private struct Key: Hashable {
        let loop: ObjectIdentifier
        let interval: Int64
    }

    private let key: Key
    private let eventLoop: any EventLoop
    private let tick: TimeAmount
    private var slots: [[ObjectIdentifier: WebSocketKeepAlive]]
    /// The slot checked next.
    private var nextSlot = 0
    private var members = 0
    private var timer: RepeatedTask?
    /// When the timer started, and how many slots are checked since: the slots due are counted from the
    /// clock, not from the ticks that ran, so a busy loop whose ticks come late still checks every socket
    /// once per interval (counting ticks, 32 small delays a round made the interval itself late).
    private var started = NIODeadline.uptimeNanoseconds(0)
    private var slotsChecked: Int64 = 0

    private init(key: Key, eventLoop: any EventLoop, interval: TimeAmount) {
        self.key = key
        self.eventLoop = eventLoop
        tick = .nanoseconds(max(1, interval.nanoseconds / Int64(Self.slotCount)))
        slots = Array(repeating: [:], count: Self.slotCount)
    }

    /// The wheel for `interval` on `eventLoop`; call on that loop.
    static func on(_ eventLoop: any EventLoop, interval: TimeAmount) -> KeepAliveWheel {
        eventLoop.preconditionInEventLoop()
        let key = Key(loop: ObjectIdentifier(eventLoop), interval: interval.nanoseconds)
        return wheels.withLock { wheels in
            if let wheel = wheels[key] { return wheel.value }
            let wheel = KeepAliveWheel(key: key, eventLoop: eventLoop, interval: interval)
            wheels[key] = NIOLoopBound(wheel, eventLoop: eventLoop)
            return wheel
        }
    }

    /// Whether the wheel's timer runs: exactly while it has sockets.
    var isRunning: Bool { timer != nil }

    /// Adds a socket; returns its slot, for `remove`.
    func add(_ socket: WebSocketKeepAlive) -> Int {
        // The slot checked last: the one just before the next to be checked.
        let slot = (nextSlot + Self.slotCount - 1) % Self.slotCount
        slots[slot][ObjectIdentifier(socket)] = socket
        members += 1
        if timer == nil {
            started = eventLoop.now
            slotsChecked = 0
            // The timer holds the wheel until `stop` cancels it.
            let wheel = NIOLoopBound(self, eventLoop: eventLoop)
            timer = eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in wheel.value.checkDueSlots() }
        }
        return slot
    }

    func remove(_ socket: WebSocketKeepAlive, from slot: Int) {
        guard slots[slot].removeValue(forKey: ObjectIdentifier(socket)) != nil else { return }
        members -= 1
        if members == 0 { stop() }
    }

    private func checkDueSlots() {
        let due = (eventLoop.now - started).nanoseconds / tick.nanoseconds
        // After a long stall, one round at most: every socket is due once.
        for _ in 0..<min(max(due - slotsChecked, 0), Int64(Self.slotCount)) { checkNextSlot() }
        slotsChecked = max(due, slotsChecked)
    }

    private func checkNextSlot() {
        let due = Array(slots[nextSlot].values)
        nextSlot = (nextSlot + 1) % Self.slotCount
        // A copy: a check may close its socket, which removes it from the slot.
        for socket in due { socket.check() }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        let key = self.key
        Self.wheels.withLock { wheels in _ = wheels.removeValue(forKey: key) }
    }
}
