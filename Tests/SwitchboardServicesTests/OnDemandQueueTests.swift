import Synchronization
import SwitchboardServices
import Testing

@Suite("On-demand queue")
struct OnDemandQueueTests {
    /// Records what the queue hands it; can be told to block or to report its destination gone.
    final class Recorder: Sendable {
        private let state = Mutex<(items: [Int], done: Int, goneAt: Int?)>(([], 0, nil))
        private let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let blockFirst: Bool

        init(blockFirst: Bool = false, goneAt: Int? = nil) {
            self.blockFirst = blockFirst
            state.withLock { $0.goneAt = goneAt }
        }

        func handle(_ item: Int) async -> Bool {
            let first = state.withLock { $0.items.isEmpty }
            if first, blockFirst { await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } } }
            return state.withLock { state in
                state.items.append(item)
                return state.goneAt != item
            }
        }

        func release() { gate.withLock { $0?.resume(); $0 = nil } }
        var isBlocked: Bool { gate.withLock { $0 != nil } }
        func done() { state.withLock { $0.done += 1 } }
        var items: [Int] { state.withLock { $0.items } }
        var doneCount: Int { state.withLock { $0.done } }

        func wait(until condition: (Recorder) -> Bool) async {
            let deadline = ContinuousClock.now + .seconds(5)
            while !condition(self), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(2)) }
        }
    }

    static func queue(_ recorder: Recorder, limit: Int = 8, held: Bool = false) -> OnDemandQueue<Int> {
        OnDemandQueue(limit: limit, held: held, handle: { await recorder.handle($0) }, whenDone: { recorder.done() })
    }

    @Test func itemsAreHandledInOrderAndFinishRunsWhenDoneAfterTheLast() async {
        let recorder = Recorder()
        let queue = Self.queue(recorder)
        for item in 1...5 { #expect(queue.offer(item) == .accepted) }
        queue.finish()
        #expect(queue.offer(6) == .closed)
        await recorder.wait { $0.doneCount == 1 }
        #expect(recorder.items == [1, 2, 3, 4, 5])
        #expect(recorder.doneCount == 1)
    }

    @Test func offerAndDrainHandlesInTheCallerWhenIdleAndOnlyQueuesWhenBusy() async {
        let recorder = Recorder(blockFirst: true)
        let queue = Self.queue(recorder)
        #expect(queue.offer(1) == .accepted)
        await recorder.wait { $0.isBlocked }
        // Busy: the running task takes it after 1; this returns without waiting for it.
        #expect(await queue.offerAndDrain(2) == .accepted)
        #expect(recorder.items.isEmpty)
        recorder.release()
        await recorder.wait { $0.items == [1, 2] }

        // Idle: handled by this task before the call returns.
        let idleRecorder = Recorder()
        let idle = Self.queue(idleRecorder)
        #expect(await idle.offerAndDrain(1) == .accepted)
        #expect(idleRecorder.items == [1])
        idle.finish()
        #expect(await idle.offerAndDrain(2) == .closed)
    }

    @Test func aHeldQueueWaitsForItsFirstAndAFullOneRefuses() async {
        let recorder = Recorder()
        let queue = Self.queue(recorder, limit: 2, held: true)
        #expect(queue.offer(1) == .accepted && queue.offer(2) == .accepted)
        #expect(queue.offer(3) == .full, "the limit counts waiting items")
        try? await Task.sleep(for: .milliseconds(20))
        #expect(recorder.items.isEmpty, "held until started")
        queue.start { await recorder.handle(0) }
        await recorder.wait { $0.items.count == 3 }
        #expect(recorder.items == [0, 1, 2])
    }

    @Test func finishDroppingSkipsWhatWaitsAndStopSkipsWhenDone() async {
        let recorder = Recorder(blockFirst: true)
        let queue = Self.queue(recorder)
        _ = queue.offer(1)
        await recorder.wait { $0.isBlocked }
        _ = queue.offer(2)
        _ = queue.offer(3)
        queue.finish(dropping: true)
        recorder.release()
        await recorder.wait { $0.doneCount == 1 }
        #expect(recorder.items == [1], "what waited was dropped; the item in hand was finished")

        let stopped = Recorder(blockFirst: true)
        let other = Self.queue(stopped)
        _ = other.offer(1)
        await stopped.wait { $0.isBlocked }
        _ = other.offer(2)
        other.stop()
        stopped.release()
        // The item in hand finishes (on a busy machine that can take a while); then a moment in which a
        // queue that ignored the stop would take the next one.
        await stopped.wait { !$0.items.isEmpty }
        try? await Task.sleep(for: .milliseconds(20))
        #expect(stopped.items == [1] && stopped.doneCount == 0)
        #expect(other.offer(3) == .closed)
    }

    @Test func aGoneDestinationEndsTheQueue() async {
        let recorder = Recorder(goneAt: 2)
        let queue = Self.queue(recorder)
        for item in 1...4 { _ = queue.offer(item) }
        await recorder.wait { $0.items.count >= 2 }
        try? await Task.sleep(for: .milliseconds(20))
        #expect(recorder.items == [1, 2] && recorder.doneCount == 0)
        #expect(queue.offer(5) == .closed)
    }
}
