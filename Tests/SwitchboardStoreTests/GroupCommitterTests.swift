import GRDB
@testable import SwitchboardSQLite
import Testing

/// The mechanism behind "acknowledged only after commit": batched writes, each isolated in a savepoint.
@Suite("Group commit")
struct GroupCommitterTests {
    struct Refused: Error, Equatable {}

    @Test func failingWritesRollBackAloneWhileTheirBatchCommits() async throws {
        let queue = try DatabaseQueue()
        try await queue.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY)") }
        let committer = GroupCommitter(writer: queue)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<200 {
                group.addTask {
                    do {
                        try await committer.submit { db in
                            try db.execute(sql: "INSERT INTO t (n) VALUES (?)", arguments: [n])
                            if n % 3 == 0 { throw Refused() }
                        }
                        return (n, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        let stored = Set(try await queue.read { db in try Int.fetchAll(db, sql: "SELECT n FROM t") })
        #expect(outcomes.count == 200)
        for (n, succeeded) in outcomes {
            #expect(succeeded == (n % 3 != 0), "write \(n)")
            #expect(stored.contains(n) == succeeded, "row \(n)")
        }
    }

    @Test func theBeforeCommitStepSeesEachBatchsWritesAndItsFailureFailsTheBatch() async throws {
        let queue = try DatabaseQueue()
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY); CREATE TABLE seen (rows INTEGER NOT NULL)")
        }
        let committer = GroupCommitter(writer: queue) { db in
            let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM t") ?? 0
            if rows > 150 { throw Refused() }
            try db.execute(sql: "INSERT INTO seen (rows) VALUES (?)", arguments: [rows])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<150 {
                group.addTask { try await committer.submit { db in try db.execute(sql: "INSERT INTO t (n) VALUES (?)", arguments: [n]) } }
            }
            try await group.waitForAll()
        }
        let seen = try await queue.read { db in try Int.fetchAll(db, sql: "SELECT rows FROM seen ORDER BY rowid") }
        // After all of each batch's writes: the last batch saw every row.
        #expect(seen.last == 150)
        #expect(seen == seen.sorted())
        await #expect(throws: Refused.self) {
            try await committer.submit { db in try db.execute(sql: "INSERT INTO t (n) VALUES (1000)") }
        }
        #expect(try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 150)
    }

    @Test func callersHearOfAFailedCommit() async throws {
        let queue = try DatabaseQueue()
        let committer = GroupCommitter(writer: queue)
        // A write that leaves the transaction unable to commit: a deferred foreign key still violated.
        try await queue.write { db in
            try db.execute(sql: """
                PRAGMA foreign_keys = ON;
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                """)
        }
        await #expect(throws: (any Error).self) {
            try await committer.submit { db in try db.execute(sql: "INSERT INTO child (p) VALUES (42)") }
        }
        #expect(try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM child") } == 0)
    }
}
