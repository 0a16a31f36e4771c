import Foundation
import SwitchboardCore

/// Persisted background work shared by every node: outbound deliveries, webhooks, timers.
///
/// A claimed job is leased to one worker until `leaseUntil`; a worker that dies simply lets the
/// lease run out, and the job is claimed again (its `attempts` counting up). Jobs with the same
/// `orderingKey` (say, a conversation) run one at a time in the order they were enqueued.
public protocol JobQueue: Sendable {
    func enqueue(_ job: NewJob) async throws -> Job
    /// Leases the next due job, or nil when none is ready. Never hands one job to two workers while
    /// a lease holds, and never a job whose ordering key has an earlier job not yet done.
    func claim(worker: String, kinds: Set<String>, now: Date, leaseFor lease: Duration) async throws -> Job?
    /// Marks a leased job done. False when the worker no longer holds the lease (it ran out and the
    /// job went to another worker): the caller's result is then discarded.
    func complete(_ id: JobID, worker: String) async throws -> Bool
    /// Gives a leased job back: to run again at `retryAt`, or dead (kept, for agents to see and retry)
    /// when `retryAt` is nil. False when the worker no longer holds the lease.
    func fail(_ id: JobID, worker: String, error: String, retryAt: Date?) async throws -> Bool
    func job(_ id: JobID) async throws -> Job?
}

public typealias JobID = Identifier<Job>

/// A job to enqueue.
public struct NewJob: Sendable, Hashable {
    public let workspaceID: WorkspaceID
    public let kind: String
    /// What the job's handler needs, as JSON text.
    public let payload: String
    /// Jobs sharing a key run one after another, in enqueue order; nil runs freely.
    public let orderingKey: String?
    public let runAt: Date
    public let maxAttempts: Int

    public init(workspaceID: WorkspaceID, kind: String, payload: String, orderingKey: String? = nil, runAt: Date = Date(),
                maxAttempts: Int = 8) {
        self.workspaceID = workspaceID
        self.kind = kind
        self.payload = payload
        self.orderingKey = orderingKey
        self.runAt = runAt
        self.maxAttempts = maxAttempts
    }
}

/// A job as stored.
public struct Job: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case queued, running, done, dead
    }

    public let id: JobID
    public let workspaceID: WorkspaceID
    public let kind: String
    public let payload: String
    public let orderingKey: String?
    public let state: State
    /// Times the job has been claimed, this claim included.
    public let attempts: Int
    public let maxAttempts: Int
    public let runAt: Date
    public let leasedBy: String?
    public let leaseUntil: Date?
    public let lastError: String?

    public init(id: JobID, workspaceID: WorkspaceID, kind: String, payload: String, orderingKey: String?, state: State,
                attempts: Int, maxAttempts: Int, runAt: Date, leasedBy: String?, leaseUntil: Date?, lastError: String?) {
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.payload = payload
        self.orderingKey = orderingKey
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.leasedBy = leasedBy
        self.leaseUntil = leaseUntil
        self.lastError = lastError
    }
}
