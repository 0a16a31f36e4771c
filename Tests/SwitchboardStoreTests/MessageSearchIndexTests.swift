import GRDB
import SwitchboardCore
@testable import SwitchboardSQLite
import SwitchboardStore
import Testing

/// SQLite's message search index is written once per group commit, from the rows its triggers noted.
@Suite("SQLite message search index")
struct MessageSearchIndexTests {
    @Test func messagesWrittenConcurrentlyAreFoundOnceTheirWritesReturn() async throws {
        let storage = try SQLiteStorage.inMemory()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<50 {
                group.addTask { _ = try await store.receive("m\(n)", from: "c\(n % 5)", in: inbox, content: "parcel word\(n)") }
            }
            try await group.waitForAll()
        }
        #expect(try await store.search("parcel", limit: 100, inboxes: nil).messages.count == 50)
        #expect(try await store.search("word17", limit: 100, inboxes: nil).messages.map(\.content) == ["parcel word17"])
        #expect(try await Self.pendingRows(storage) == 0)
        try await Self.expectIndexIntact(storage)
    }

    @Test func editsAndDeletesKeepTheIndexExactEvenBeforeTheRowWasIndexed() async throws {
        let storage = try SQLiteStorage.inMemory()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        let indexed = try await store.receive("old", in: inbox, content: "refund request").message
        let doomed = try await store.receive("gone", in: inbox, content: "cancel subscription").message
        // In one write: edit and delete rows already indexed, and a row added, edited and deleted before indexing.
        try await storage.write { db in
            try db.execute(sql: "UPDATE messages SET content = 'exchange request' WHERE id = ?", arguments: [indexed.id.rawValue])
            try db.execute(sql: "DELETE FROM messages WHERE id = ?", arguments: [doomed.id.rawValue])
            try db.execute(sql: """
                INSERT INTO messages (id, workspace_id, conversation_id, inbox_id, direction, sender_kind, private, content, status, created_at)
                SELECT 'transient', workspace_id, conversation_id, inbox_id, direction, sender_kind, private, 'ephemeral note', status, created_at
                FROM messages WHERE id = ?
                """, arguments: [indexed.id.rawValue])
            try db.execute(sql: "UPDATE messages SET content = 'ephemeral memo' WHERE id = 'transient'")
            try db.execute(sql: "DELETE FROM messages WHERE id = 'transient'")
        }
        #expect(try await store.search("refund", limit: 10, inboxes: nil).messages.isEmpty)
        #expect(try await store.search("exchange", limit: 10, inboxes: nil).messages.map(\.id) == [indexed.id])
        #expect(try await store.search("cancel", limit: 10, inboxes: nil).messages.isEmpty)
        #expect(try await store.search("ephemeral", limit: 10, inboxes: nil).messages.isEmpty)
        #expect(try await Self.pendingRows(storage) == 0)
        try await Self.expectIndexIntact(storage)
    }

    @Test func aWriteRolledBackLeavesNothingToIndex() async throws {
        struct Refused: Error {}
        let storage = try SQLiteStorage.inMemory()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        let kept = try await store.receive("kept", in: inbox, content: "invoice copy").message
        await #expect(throws: Refused.self) {
            try await storage.write { db in
                try db.execute(sql: "UPDATE messages SET content = 'shipping label' WHERE id = ?", arguments: [kept.id.rawValue])
                throw Refused()
            }
        }
        #expect(try await store.search("invoice", limit: 10, inboxes: nil).messages.map(\.id) == [kept.id])
        #expect(try await store.search("shipping", limit: 10, inboxes: nil).messages.isEmpty)
        try await Self.expectIndexIntact(storage)
    }

    @Test func anUpgradedDatabaseKeepsItsIndexedMessagesSearchable() async throws {
        let queue = try DatabaseQueue()
        try SQLiteStorage.migrator.migrate(queue, upTo: "v5-settings")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO inboxes (id, workspace_id, name, channel, settings, created_at) VALUES ('i1', 'default', 'API', 'api', '{}', 1);
                INSERT INTO contacts (id, workspace_id, name, attributes, search_text, created_at) VALUES ('c1', 'default', 'Ada', '{}', 'Ada', 1);
                INSERT INTO conversations (id, workspace_id, number, inbox_id, channel, contact_id, status, priority, labels,
                    unread_count, created_at, last_activity_at) VALUES ('v1', 'default', 1, 'i1', 'api', 'c1', 'open', 'none', '[]', 1, 1, 1);
                INSERT INTO messages (id, workspace_id, conversation_id, inbox_id, direction, sender_kind, sender_id, private,
                    content, status, created_at) VALUES ('m1', 'default', 'v1', 'i1', 'incoming', 'contact', 'c1', 0, 'warranty claim', 'delivered', 1);
                UPDATE workspaces SET next_conversation_number = 2 WHERE id = 'default';
                """)
        }
        let storage = try SQLiteStorage(writer: queue)
        let store = storage.workspace(Workspace.defaultID)
        #expect(try await store.search("warranty", limit: 10, inboxes: nil).messages.map(\.id.rawValue) == ["m1"])
        let inbox = try #require(try await store.inbox(InboxID("i1")))
        _ = try await store.receive("new", in: inbox, content: "warranty extension")
        #expect(try await store.search("warranty", limit: 10, inboxes: nil).messages.count == 2)
        try await Self.expectIndexIntact(storage)
    }

    private static func pendingRows(_ storage: SQLiteStorage) async throws -> Int {
        try await storage.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages_fts_pending") ?? -1 }
    }

    /// FTS5's own check that the index holds exactly the content table's rows and terms.
    private static func expectIndexIntact(_ storage: SQLiteStorage) async throws {
        try await storage.write { db in
            try db.execute(sql: "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
        }
    }
}
