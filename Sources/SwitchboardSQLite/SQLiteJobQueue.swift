import Foundation
import GRDB
import SwitchboardCore
import SwitchboardStore

/// The job queue on SQLite. One writer at a time makes a claim trivially exclusive; the queries are
/// the same as PostgreSQL's minus `SKIP LOCKED`.
struct SQLiteJobQueue: JobQueue {
    let storage: SQLiteStorage

    func enqueue(_ new: NewJob) async throws -> Job {
        let job = Job(id: .generate(), workspaceID: new.workspaceID, kind: new.kind, payload: new.payload,
                      orderingKey: new.orderingKey, state: .queued, attempts: 0, maxAttempts: max(1, new.maxAttempts),
                      runAt: Timestamp.date(Timestamp.milliseconds(new.runAt)), leasedBy: nil, leaseUntil: nil, lastError: nil)
        try await storage.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO jobs (id, workspace_id, kind, payload, ordering_key, state, max_attempts, run_at, created_at)
                VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                """).execute(arguments: [job.id.rawValue, job.workspaceID.rawValue, job.kind, job.payload, job.orderingKey,
                                         job.maxAttempts, Timestamp.milliseconds(job.runAt), Timestamp.now()])
        }
        return job
    }

    func claim(worker: String, kinds: Set<String>, now: Date, leaseFor lease: Duration) async throws -> Job? {
        guard !kinds.isEmpty else { return nil }
        let kinds = Array(kinds)
        let nowMs = Timestamp.milliseconds(now)
        let leaseMs = lease.inMilliseconds
        return try await storage.write { db in
            // A job whose lease ran out after its last allowed attempt is dead, not retried forever.
            try db.cachedStatement(sql: """
                UPDATE jobs SET state = 'dead', leased_by = NULL, lease_until = NULL,
                    last_error = coalesce(last_error, 'the worker holding it stopped answering')
                WHERE state = 'running' AND lease_until < ? AND attempts >= max_attempts
                """).execute(arguments: [nowMs])
            let marks = databaseQuestionMarks(count: kinds.count)
            var arguments: StatementArguments = [worker, nowMs + leaseMs]
            arguments += StatementArguments(kinds)
            arguments += [nowMs, nowMs]
            return try Row.fetchOne(db.cachedStatement(sql: """
                UPDATE jobs SET state = 'running', attempts = attempts + 1, leased_by = ?, lease_until = ?
                WHERE seq = (
                    SELECT j.seq FROM jobs j
                    WHERE j.kind IN (\(marks))
                      AND ((j.state = 'queued' AND j.run_at <= ?) OR (j.state = 'running' AND j.lease_until < ?))
                      AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.ordering_key = j.ordering_key AND e.seq < j.seq
                                      AND e.state IN ('queued', 'running'))
                    ORDER BY j.run_at, j.seq LIMIT 1)
                RETURNING *
                """), arguments: arguments).map(Self.job)
        }
    }

    func complete(_ id: JobID, worker: String) async throws -> Bool {
        try await storage.write { db in
            try db.cachedStatement(sql: """
                UPDATE jobs SET state = 'done', leased_by = NULL, lease_until = NULL
                WHERE id = ? AND state = 'running' AND leased_by = ?
                """).execute(arguments: [id.rawValue, worker])
            return db.changesCount > 0
        }
    }

    func fail(_ id: JobID, worker: String, error: String, retryAt: Date?) async throws -> Bool {
        try await storage.write { db in
            // Out of attempts means dead whatever the caller hoped.
            try db.cachedStatement(sql: """
                UPDATE jobs SET state = CASE WHEN ? IS NULL OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                    run_at = coalesce(?, run_at), leased_by = NULL, lease_until = NULL, last_error = ?
                WHERE id = ? AND state = 'running' AND leased_by = ?
                """).execute(arguments: [retryAt.map(Timestamp.milliseconds), retryAt.map(Timestamp.milliseconds),
                                         String(error.prefix(2000)), id.rawValue, worker])
            return db.changesCount > 0
        }
    }

    func job(_ id: JobID) async throws -> Job? {
        try await storage.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM jobs WHERE id = ?"), arguments: [id.rawValue]).map(Self.job)
        }
    }

    static func job(_ row: Row) -> Job {
        Job(id: JobID(row["id"]), workspaceID: WorkspaceID(row["workspace_id"]), kind: row["kind"], payload: row["payload"],
            orderingKey: row["ordering_key"], state: Job.State(rawValue: row["state"]) ?? .dead, attempts: row["attempts"],
            maxAttempts: row["max_attempts"], runAt: Timestamp.date(row["run_at"] as Int64), leasedBy: row["leased_by"],
            leaseUntil: Timestamp.date(row["lease_until"] as Int64?), lastError: row["last_error"])
    }
}
