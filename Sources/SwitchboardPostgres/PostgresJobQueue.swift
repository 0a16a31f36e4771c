import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// The job queue on PostgreSQL, shared by every node. A claim locks its job with
/// `FOR UPDATE SKIP LOCKED`, so workers never wait on each other's candidates and no job is leased
/// twice: a worker whose snapshot still showed a job as due finds it changed once it gets the row
/// lock, and skips it.
struct PostgresJobQueue: JobQueue {
    let storage: PostgresStorage

    func enqueue(_ new: NewJob) async throws -> Job {
        let job = Job(id: .generate(), workspaceID: new.workspaceID, kind: new.kind, payload: new.payload,
                      orderingKey: new.orderingKey, state: .queued, attempts: 0, maxAttempts: max(1, new.maxAttempts),
                      runAt: Timestamp.date(Timestamp.milliseconds(new.runAt)), leasedBy: nil, leaseUntil: nil, lastError: nil)
        try await storage.write { session in
            try await session.run("""
                INSERT INTO jobs (id, workspace_id, kind, payload, ordering_key, state, max_attempts, run_at, created_at)
                VALUES (\(job.id.rawValue), \(job.workspaceID.rawValue), \(job.kind), \(job.payload), \(job.orderingKey),
                        'queued', \(Int64(job.maxAttempts)), \(Timestamp.milliseconds(job.runAt)), \(Timestamp.now()))
                """)
        }
        return job
    }

    func claim(worker: String, kinds: Set<String>, now: Date, leaseFor lease: Duration) async throws -> Job? {
        guard !kinds.isEmpty else { return nil }
        let nowMs = Timestamp.milliseconds(now)
        let until = nowMs + lease.inMilliseconds
        return try await storage.write { session in
            // A job whose lease ran out after its last allowed attempt is dead, not retried forever.
            try await session.run("""
                UPDATE jobs SET state = 'dead', leased_by = NULL, lease_until = NULL,
                    last_error = coalesce(last_error, 'the worker holding it stopped answering')
                WHERE state = 'running' AND lease_until < \(nowMs) AND attempts >= max_attempts
                """)
            return try await session.row("""
                UPDATE jobs SET state = 'running', attempts = attempts + 1, leased_by = \(worker), lease_until = \(until)
                WHERE seq = (
                    SELECT j.seq FROM jobs j
                    WHERE j.kind = ANY(\(Array(kinds)))
                      AND ((j.state = 'queued' AND j.run_at <= \(nowMs)) OR (j.state = 'running' AND j.lease_until < \(nowMs)))
                      AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.ordering_key = j.ordering_key AND e.seq < j.seq
                                      AND e.state IN ('queued', 'running'))
                    ORDER BY j.run_at, j.seq LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.columns)
                """, Self.job)
        }
    }

    func complete(_ id: JobID, worker: String) async throws -> Bool {
        try await storage.write { session in
            try await session.count("""
                UPDATE jobs SET state = 'done', leased_by = NULL, lease_until = NULL
                WHERE id = \(id.rawValue) AND state = 'running' AND leased_by = \(worker)
                RETURNING seq
                """) == 1
        }
    }

    func fail(_ id: JobID, worker: String, error: String, retryAt: Date?) async throws -> Bool {
        let retry = retryAt.map(Timestamp.milliseconds)
        return try await storage.write { session in
            // Out of attempts means dead whatever the caller hoped.
            try await session.count("""
                UPDATE jobs SET state = CASE WHEN \(retry)::bigint IS NULL OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                    run_at = coalesce(\(retry), run_at), leased_by = NULL, lease_until = NULL, last_error = \(String(error.prefix(2000)))
                WHERE id = \(id.rawValue) AND state = 'running' AND leased_by = \(worker)
                RETURNING seq
                """) == 1
        }
    }

    func job(_ id: JobID) async throws -> Job? {
        try await storage.read { session in
            try await session.row("SELECT \(unescaped: Self.columns) FROM jobs WHERE id = \(id.rawValue)", Self.job)
        }
    }

    static let columns = """
        id, workspace_id, kind, payload, ordering_key, state, attempts, max_attempts, run_at, leased_by, lease_until, last_error
        """

    static func job(_ row: Columns) throws -> Job {
        Job(id: JobID(try row("id")), workspaceID: WorkspaceID(try row("workspace_id")), kind: try row("kind"),
            payload: try row("payload"), orderingKey: try row("ordering_key", as: String?.self),
            state: Job.State(rawValue: try row("state")) ?? .dead, attempts: Int(try row("attempts", as: Int64.self)),
            maxAttempts: Int(try row("max_attempts", as: Int64.self)), runAt: Timestamp.date(try row("run_at", as: Int64.self)),
            leasedBy: try row("leased_by", as: String?.self), leaseUntil: Timestamp.date(try row("lease_until", as: Int64?.self)),
            lastError: try row("last_error", as: String?.self))
    }
}
