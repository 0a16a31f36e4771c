import Foundation
import PostgresNIO
import SwitchboardCore
@testable import SwitchboardPostgres
import SwitchboardStore
import Testing

@Suite("PostgreSQL configuration")
struct PostgresConfigurationTests {
    @Test func urlsNameTheServerTheDatabaseAndTLS() throws {
        let full = try PostgresStorage.Configuration(url: "postgres://sb:p%40ss@db.example:6543/switchboard?sslmode=require")
        #expect(full.host == "db.example")
        #expect(full.port == 6543)
        #expect(full.username == "sb")
        #expect(full.password == "p@ss")
        #expect(full.database == "switchboard")
        #expect(full.tls == .require)
        let plain = try PostgresStorage.Configuration(url: "postgresql://postgres@127.0.0.1/test?sslmode=disable")
        #expect(plain.port == 5432)
        #expect(plain.password == nil)
        #expect(plain.tls == .disable)
        #expect(try PostgresStorage.Configuration(url: "postgres://u@h/d?sslmode=verify-full").tls == .verifyFull)
    }

    @Test(arguments: ["mysql://u@h/d", "postgres://h/d", "postgres://u@h", "postgres://u@h/d?sslmode=bogus",
                      "postgres://u@h/d?pool=3", "not a url"])
    func unusableURLsAreRefused(url: String) {
        #expect(throws: InvalidDatabaseURL.self) { try PostgresStorage.Configuration(url: url) }
    }

    @Test func aRefusedURLIsReportedWithoutItsPassword() {
        let error = #expect(throws: InvalidDatabaseURL.self) {
            try PostgresStorage.Configuration(url: "postgres://u:secret@h/d?x=1")
        }
        #expect(error?.description.contains("secret") == false)
        #expect(error?.description.contains("x=1") == true)
    }
}

@Suite("PostgreSQL event log and migrations", .enabled(if: PostgresTestDatabase.url != nil))
struct PostgresEventLogTests {
    @Test func concurrentWritersNeverNumberAnEventBelowOneAlreadyRead() async throws {
        let storage = try PostgresTestDatabase.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        let writers = 4, messages = 15
        let read = try await withThrowingTaskGroup(of: [DomainEvent].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<messages { _ = try await store.receive("w\(writer)-\(index)", from: "c\(writer)-\(index)", in: inbox) }
                    return []
                }
            }
            // Writes go on while this reader follows the log with its cursor, as a socket does.
            group.addTask {
                var seen: [DomainEvent] = []
                while seen.count < writers * messages * 3 {
                    let next = try await store.events(after: seen.last?.sequence, limit: 50)
                    seen += next
                    if next.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                }
                return seen
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(read.map(\.sequence) == Array(1...Int64(writers * messages * 3)), "every event read once, in order, none skipped")
        #expect(Set(read.filter { $0.kind == .messageCreated }.map(\.subjectID)).count == writers * messages)
        #expect(try await storage.latestPosition() == Int64(read.count))
    }

    /// The numbering step itself tells every node (its NOTIFY is sent at its commit), so no separate
    /// notification round trip is needed and a woken node always finds the positions.
    @Test func numberingNotifiesTheHighestPosition() async throws {
        let storage = try PostgresTestDatabase.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        let heard = try await storage.client.withConnection { connection in
            try await connection.listen(on: PostgresStorage.eventsChannel) { notifications in
                _ = try await store.receive("m0", in: inbox)
                var numbered: Int64?
                // Other tests' open transactions on the same server can hold numbering back for a moment.
                _ = try await eventually {
                    numbered = try await storage.sequencePendingEvents()
                    return numbered != nil
                }
                let expected = try #require(numbered).description
                return try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        // Other tests number their own schemas' events on the same channel: wait for ours.
                        for try await notification in notifications where notification.payload == expected { return true }
                        return false
                    }
                    group.addTask { try await Task.sleep(for: .seconds(5)); return false }
                    defer { group.cancelAll() }
                    return try await group.next() ?? false
                }
            }
        }
        #expect(heard, "a NOTIFY with the highest position numbered")
    }

    @Test func anOpenTransactionHoldsBackTheNumberingOfLaterEvents() async throws {
        let storage = try PostgresTestDatabase.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        _ = try await store.receive("m0", in: inbox)
        // Other tests' transactions on the same server can hold numbering back for a moment too.
        #expect(try await eventually { try await store.latestEventSequence() == 3 })
        #expect(try await storage.sequencePendingEvents() == nil, "nothing left to number")

        let inserted = AsyncStream<Void>.makeStream()
        let commit = AsyncStream<Void>.makeStream()
        let early = Task {
            try await storage.client.withTransaction(logger: storage.logger) { connection in
                try await connection.query("""
                    INSERT INTO events (workspace_id, kind, subject_id, occurred_at) VALUES ('default', 'contact.created', 'early', 0)
                    """, logger: storage.logger)
                inserted.continuation.yield()
                for await _ in commit.stream {}
            }
        }
        for await _ in inserted.stream { break }
        let later = try await store.receive("m1", in: inbox)
        #expect(later.events.allSatisfy { $0.sequence == 0 }, "a write's events are numbered after commit")
        #expect(try await storage.sequencePendingEvents() == nil, "the later write waits for the open transaction")
        commit.continuation.finish()
        try await early.value
        #expect(try await eventually { try await store.events(after: 3, limit: 10).count == 2 })
        let tail = try await store.events(after: 3, limit: 10)
        #expect(tail.map(\.subjectID) == ["early", later.message.id.rawValue])
        #expect(tail.map(\.sequence) == [4, 5])
    }

    @Test func theGlobalReaderFollowsEveryWorkspace() async throws {
        let storage = try PostgresTestDatabase.makeStorage()
        let start = try await storage.latestPosition()
        let home = storage.workspace(Workspace.defaultID)
        let other = storage.workspace(WorkspaceID("other"))
        // No port creates workspaces yet.
        try await storage.write { session in
            try await session.run("INSERT INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 0)")
        }
        _ = try await home.receive("m1", in: try await home.apiInbox())
        _ = try await other.receive("m1", in: try await other.apiInbox())
        // Other tests' open transactions on the same server can hold numbering back for a moment.
        _ = try await eventually { try await storage.events(afterPosition: start, limit: 100).count >= 6 }
        let events = try await storage.events(afterPosition: start, limit: 100)
        #expect(events.map(\.workspaceID) == Array(repeating: Workspace.defaultID, count: 3) + Array(repeating: WorkspaceID("other"), count: 3))
        #expect(try await storage.events(afterPosition: events[2].sequence, limit: 2).map(\.sequence) == [events[3].sequence, events[4].sequence])
        #expect(try await other.events(after: nil, limit: 10).map(\.sequence) == events.suffix(3).map(\.sequence))
    }

    @Test func nodesStartingTogetherMigrateOnce() async throws {
        let schema = PostgresTestDatabase.newSchemaName()
        let nodes = try (0..<3).map { _ in try PostgresTestDatabase.makeStorage(schema: schema) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { try await node.waitUntilReady() } }
            try await group.waitForAll()
        }
        let versions = try await nodes[0].read { session in
            try await session.rows("SELECT version FROM schema_migrations ORDER BY version") { try $0("version", as: String.self) }
        }
        #expect(versions == PostgresStorage.Migrations.all.map(\.0))
        #expect(try await nodes[1].directory.hasAdmin() == false)
    }
}
