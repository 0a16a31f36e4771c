import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardSQLite
import SwitchboardStore
import Testing

/// The write path reads conversations and contacts by column position (`PositionedRow`) instead of
/// through GRDB's `Row`; these tests hold that reading to what the `Row` decoder gives, and the
/// ingest look-up (`max()` instead of ORDER BY … LIMIT 1) to "the latest conversation not resolved".
@Suite("SQLite reads by column position")
struct PositionedRowTests {
    static let start = Date(timeIntervalSince1970: 1_000)

    /// One conversation with every optional column set, one with none set.
    static let conversations: [Conversation] = [
        Conversation(
            id: .generate(), workspaceID: Workspace.defaultID, number: 7, inboxID: .generate(), channel: .webChat,
            contactID: .generate(), status: .snoozed, priority: .high, assigneeID: .generate(), teamID: .generate(),
            labels: ["vip", "billing"], snoozedUntil: start.addingTimeInterval(600), unreadCount: 2,
            lastMessage: MessagePreview(content: "earlier", createdAt: start, direction: .incoming),
            createdAt: start, lastActivityAt: start.addingTimeInterval(5), firstResponseAt: start.addingTimeInterval(2),
            waitingSince: start.addingTimeInterval(3), resolvedAt: start.addingTimeInterval(-60)),
        Conversation(
            id: .generate(), workspaceID: Workspace.defaultID, number: 8, inboxID: .generate(), channel: .api,
            contactID: .generate(), createdAt: start, lastActivityAt: start),
    ]

    @Test(arguments: conversations)
    func aConversationReadsAsTheRowDecoderReadsIt(conversation: Conversation) throws {
        let db = try DatabaseQueue()
        try db.write { db in
            // The columns alone (SQLite needs no types): this reads what it is given, whatever the schema.
            try db.execute(sql: "CREATE TABLE conversations (\(ConversationRecord.selection))")
            try ConversationRecord(conversation).insert(db)
        }
        try db.read { db in
            let statement = try db.makeStatement(sql: "SELECT \(ConversationRecord.selection) FROM conversations WHERE id = ?")
            let read = try #require(try ConversationRecord.fetchFirst(statement, arguments: [conversation.id.rawValue]))
            let decoded = try #require(try ConversationRecord.fetchOne(db, sql: "SELECT * FROM conversations"))
            #expect(try read.conversation() == decoded.conversation())
            #expect(try read.conversation() == conversation)
            #expect(try ConversationRecord.fetchFirst(statement, arguments: ["no such id"]) == nil)
        }
    }

    /// Every role, and a role this version does not know (read as a plain agent by both).
    @Test(arguments: ["admin", "agent", "supervisor-from-the-future"])
    func anAgentReadsAsTheRecordDecoderReadsIt(role: String) throws {
        let db = try DatabaseQueue()
        let record = AgentRecord(id: "a1", workspaceId: "w1", email: "Ada@Example.com", emailKey: "ada@example.com",
                                 name: "Ada", role: role, passwordHash: "secret hash", createdAt: 1_234_567)
        try db.write { db in
            try db.execute(sql: "CREATE TABLE agents (id, workspace_id, email, email_key, name, role, password_hash, created_at)")
            try record.insert(db)
        }
        try db.read { db in
            let statement = try db.makeStatement(sql: "SELECT \(AgentRecord.agentColumns.joined(separator: ", ")) FROM agents WHERE id = ?")
            let read = try #require(try PositionedRow.first(statement, arguments: ["a1"], read: AgentRecord.agent(id:row:)))
            #expect(read == record.agent)
            #expect(read.role == (role == "admin" ? .admin : .agent))
            #expect(try PositionedRow.first(statement, arguments: ["nobody"], read: AgentRecord.agent(id:row:)) == nil)
        }
    }

    @Test func aNullInARequiredColumnIsAnErrorNotAValue() throws {
        let db = try DatabaseQueue()
        let columns = ConversationRecord.selection.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        // Every column present, `number` (required) NULL.
        let values = columns.map { $0 == "number" ? "NULL" : $0 == "id" ? "'c1'" : "'x'" }
        try db.read { db in
            let statement = try db.makeStatement(sql: "SELECT \(values.joined(separator: ", "))")
            #expect(throws: DatabaseError.self) { try ConversationRecord.fetchFirst(statement, arguments: []) }
        }
    }

    @Test func ingestJoinsTheLatestConversationNotResolved() async throws {
        let storage = try SQLiteStorage.inMemory()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", in: inbox).conversation
        // A second active conversation of the same contact in the same inbox, more recently active.
        try await storage.write { db in
            try db.execute(sql: "UPDATE conversations SET status = 'resolved' WHERE id = ?", arguments: [first.id.rawValue])
        }
        let second = try await store.receive("m2", in: inbox).conversation
        #expect(second.id != first.id)
        try await storage.write { db in
            try db.execute(sql: "UPDATE conversations SET status = 'open', last_activity_at = 1 WHERE id = ?",
                           arguments: [first.id.rawValue])
        }
        #expect(try await store.receive("m3", in: inbox).conversation.id == second.id)
        // Now the first is the latest.
        try await storage.write { db in
            try db.execute(sql: "UPDATE conversations SET last_activity_at = 9999999999999 WHERE id = ?",
                           arguments: [first.id.rawValue])
        }
        let fourth = try await store.receive("m4", in: inbox)
        #expect(fourth.conversation.id == first.id)
        #expect(fourth.contact.id == first.contactID)
        // Both resolved: a new conversation.
        try await storage.write { db in try db.execute(sql: "UPDATE conversations SET status = 'resolved'") }
        let fifth = try await store.receive("m5", in: inbox).conversation
        #expect(![first.id, second.id].contains(fifth.id))
        #expect(fifth.number == 3)
    }

    @Test func aConversationByIdReadsAsTheListReadsIt() async throws {
        let storage = try SQLiteStorage.inMemory()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        let received = try await store.receive("m1", from: "cust-9", in: inbox, name: "Ada Lovelace")
        try await storage.write { db in
            try db.execute(sql: "UPDATE conversations SET labels = '[\"vip\"]', priority = 'urgent', snoozed_until = 5 WHERE id = ?",
                           arguments: [received.conversation.id.rawValue])
        }
        let byID = try #require(try await store.conversation(received.conversation.id))
        let listed = try await store.conversations(matching: ConversationQuery(), page: PageRequest(limit: 10)).items
        #expect(listed == [byID])
        #expect(byID.contact == ContactName(id: received.contact.id, name: "Ada Lovelace"))
        #expect(byID.conversation.labels == ["vip"] && byID.conversation.priority == .urgent)
        #expect(try await store.conversation(.generate()) == nil)
    }
}
