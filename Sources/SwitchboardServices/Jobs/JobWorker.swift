import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

/// Claims due jobs from the shared queue and runs their handlers, a few at a time.
///
/// Every node with the worker role runs one; the queue's leases make sure a job runs on one of them
/// at a time, and a job whose node died is picked up again once its lease runs out.
public struct JobWorker: Service {
    private let queue: any JobQueue
    private let handlers: [String: any JobHandler]
    /// This process's name in leases: host and pid, so an operator can tell who holds a job.
    public let workerID: String
    private let concurrency: Int
    private let lease: Duration
    private let idleWait: Duration
    private let logger: Logger

    public init(queue: any JobQueue, handlers: [any JobHandler], concurrency: Int = 4, lease: Duration = .seconds(60),
                idleWait: Duration = .milliseconds(500), logger: Logger) {
        self.queue = queue
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.workerID = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.concurrency = max(1, concurrency)
        self.lease = lease
        self.idleWait = idleWait
        self.logger = logger
    }

    public func run() async throws {
        guard !handlers.isEmpty else { return }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for _ in 0..<concurrency {
                    group.addTask { await loop() }
                }
            }
        }
    }

    private func loop() async {
        while !Task.isCancelled {
            do {
                if try await runNext() == false { try await Task.sleep(for: idleWait) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("job queue unavailable", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Claims and runs one job; false when none was due.
    @discardableResult
    public func runNext(now: Date = Date()) async throws -> Bool {
        guard let job = try await queue.claim(worker: workerID, kinds: Set(handlers.keys), now: now, leaseFor: lease),
              let handler = handlers[job.kind]
        else { return false }
        do {
            try await handler.run(job)
            if try await !queue.complete(job.id, worker: workerID) {
                logger.warning("job finished after its lease ran out", metadata: ["job_id": "\(job.id)", "kind": "\(job.kind)"])
            }
        } catch let failure as PermanentJobFailure {
            _ = try await queue.fail(job.id, worker: workerID, error: failure.description, retryAt: nil)
            logger.warning("job failed for good", metadata: ["job_id": "\(job.id)", "kind": "\(job.kind)"])
        } catch {
            let retryAt = Date().addingTimeInterval(Self.backoff(attempt: job.attempts))
            _ = try await queue.fail(job.id, worker: workerID, error: String(describing: error), retryAt: retryAt)
            logger.info("job failed, retrying", metadata: ["job_id": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)"])
        }
        return true
    }

    /// 2, 4, 8 … seconds, capped at an hour.
    static func backoff(attempt: Int) -> TimeInterval {
        min(3600, pow(2, Double(min(max(attempt, 1), 12))))
    }
}
