import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("Job queue contract")
struct JobContractTests {
    static let kinds: Set<String> = ["deliver"]

    func job(_ key: String? = nil, payload: String = "{}", at runAt: Date = Date(), attempts: Int = 3) -> NewJob {
        NewJob(workspaceID: Workspace.defaultID, kind: "deliver", payload: payload, orderingKey: key, runAt: runAt,
               maxAttempts: attempts)
    }

    @Test(arguments: TestBackend.enabled)
    func aClaimedJobIsLeasedToOneWorkerUntilDone(backend: TestBackend) async throws {
        let queue = try backend.makeStorage().jobs
        let enqueued = try await queue.enqueue(job(payload: #"{"to":"x"}"#))
        #expect(try await queue.claim(worker: "w1", kinds: ["other"], now: Date(), leaseFor: .seconds(30)) == nil)
        let claimed = try #require(try await queue.claim(worker: "w1", kinds: Self.kinds, now: Date(), leaseFor: .seconds(30)))
        #expect(claimed.id == enqueued.id)
        #expect(claimed.payload == #"{"to":"x"}"#)
        #expect(claimed.state == .running)
        #expect(claimed.attempts == 1)
        #expect(claimed.leasedBy == "w1")
        #expect(try await queue.claim(worker: "w2", kinds: Self.kinds, now: Date(), leaseFor: .seconds(30)) == nil)
        #expect(try await queue.complete(claimed.id, worker: "w2") == false, "only the lease holder completes")
        #expect(try await queue.complete(claimed.id, worker: "w1"))
        #expect(try await queue.job(claimed.id)?.state == .done)
        #expect(try await queue.claim(worker: "w2", kinds: Self.kinds, now: Date(), leaseFor: .seconds(30)) == nil)
    }

    @Test(arguments: TestBackend.enabled)
    func anExpiredLeaseIsClaimedAgainAndTheLateWorkerLosesIt(backend: TestBackend) async throws {
        let queue = try backend.makeStorage().jobs
        let enqueued = try await queue.enqueue(job(attempts: 2))
        let start = Date()
        _ = try #require(try await queue.claim(worker: "crashed", kinds: Self.kinds, now: start, leaseFor: .seconds(10)))
        #expect(try await queue.claim(worker: "w2", kinds: Self.kinds, now: start + 5, leaseFor: .seconds(10)) == nil)
        let retaken = try #require(try await queue.claim(worker: "w2", kinds: Self.kinds, now: start + 11, leaseFor: .seconds(10)))
        #expect(retaken.id == enqueued.id)
        #expect(retaken.attempts == 2)
        #expect(try await queue.complete(enqueued.id, worker: "crashed") == false)
        // Out of attempts: a second expiry makes it dead instead of running it a third time.
        #expect(try await queue.claim(worker: "w3", kinds: Self.kinds, now: start + 30, leaseFor: .seconds(10)) == nil)
        #expect(try await queue.job(enqueued.id)?.state == .dead)
    }

    @Test(arguments: TestBackend.enabled)
    func failedJobsRetryLaterThenDie(backend: TestBackend) async throws {
        let queue = try backend.makeStorage().jobs
        let enqueued = try await queue.enqueue(job(attempts: 2))
        let now = Date()
        let first = try #require(try await queue.claim(worker: "w", kinds: Self.kinds, now: now, leaseFor: .seconds(30)))
        #expect(try await queue.fail(first.id, worker: "w", error: "HTTP 503", retryAt: now + 60))
        #expect(try await queue.job(enqueued.id)?.state == .queued)
        #expect(try await queue.job(enqueued.id)?.lastError == "HTTP 503")
        #expect(try await queue.claim(worker: "w", kinds: Self.kinds, now: now + 30, leaseFor: .seconds(30)) == nil, "not before its time")
        let second = try #require(try await queue.claim(worker: "w", kinds: Self.kinds, now: now + 61, leaseFor: .seconds(30)))
        #expect(try await queue.fail(second.id, worker: "w", error: "HTTP 503 again", retryAt: now + 120))
        #expect(try await queue.job(enqueued.id)?.state == .dead, "out of attempts")
        let other = try await queue.enqueue(job(at: now))
        let claimed = try #require(try await queue.claim(worker: "w", kinds: Self.kinds, now: now + 1, leaseFor: .seconds(30)))
        #expect(claimed.id == other.id)
        #expect(try await queue.fail(claimed.id, worker: "w", error: "bad address", retryAt: nil))
        #expect(try await queue.job(other.id)?.state == .dead, "a permanent failure dies at once")
    }

    @Test(arguments: TestBackend.enabled)
    func jobsOfOneOrderingKeyRunOneAtATimeInOrder(backend: TestBackend) async throws {
        let queue = try backend.makeStorage().jobs
        let a1 = try await queue.enqueue(job("conversation-a"))
        let a2 = try await queue.enqueue(job("conversation-a"))
        let b1 = try await queue.enqueue(job("conversation-b"))
        let now = Date() + 1
        let first = try #require(try await queue.claim(worker: "w1", kinds: Self.kinds, now: now, leaseFor: .seconds(30)))
        let second = try #require(try await queue.claim(worker: "w2", kinds: Self.kinds, now: now, leaseFor: .seconds(30)))
        #expect([first.id, second.id] == [a1.id, b1.id])
        #expect(try await queue.claim(worker: "w3", kinds: Self.kinds, now: now, leaseFor: .seconds(30)) == nil,
                "a2 waits for a1")
        #expect(try await queue.complete(a1.id, worker: "w1"))
        #expect(try await queue.claim(worker: "w3", kinds: Self.kinds, now: now, leaseFor: .seconds(30))?.id == a2.id)
    }

    @Test(arguments: TestBackend.enabled)
    func concurrentWorkersRunEveryJobExactlyOnce(backend: TestBackend) async throws {
        let queue = try backend.makeStorage().jobs
        let count = 60
        for index in 0..<count { _ = try await queue.enqueue(job(index % 3 == 0 ? "key-\(index % 5)" : nil, payload: "\(index)")) }
        let runs = RunCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in ["w1", "w2", "w3", "w4"] {
                group.addTask {
                    var idle = 0
                    while idle < 20 {
                        guard let claimed = try await queue.claim(worker: worker, kinds: Self.kinds, now: Date() + 1,
                                                                  leaseFor: .seconds(60)) else {
                            idle += 1
                            try await Task.sleep(for: .milliseconds(5))
                            continue
                        }
                        idle = 0
                        runs.count(claimed.payload)
                        #expect(try await queue.complete(claimed.id, worker: worker))
                    }
                }
            }
            try await group.waitForAll()
        }
        let counted = runs.counts
        #expect(counted.count == count)
        #expect(counted.values.allSatisfy { $0 == 1 })
    }
}

/// How many times each job ran, counted from several workers at once.
final class RunCounter: Sendable {
    private let runs = Mutex<[String: Int]>([:])

    func count(_ key: String) { runs.withLock { $0[key, default: 0] += 1 } }
    var counts: [String: Int] { runs.withLock { $0 } }
}
