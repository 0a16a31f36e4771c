import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardSQLite
import SwitchboardStore
import Testing

/// A new message rewrites only its conversation's activity columns on SQLite (`updateActivity`), so that
/// the indexes on contact and assignee are not rewritten with every message; these tests hold that
/// narrower write to what the message transitions change, and the lookups to their indexes.
@Suite("SQLite conversation activity writes")
struct ConversationActivityWriteTests {
    @Test(arguments: [ConversationStatus.open, .pending, .snoozed])
    func messageTransitionsChangeOnlyTheActivityColumns(status: ConversationStatus) throws {
        let start = Date(timeIntervalSince1970: 1_000)
        let conversation = Conversation(
            id: .generate(), workspaceID: Workspace.defaultID, number: 7, inboxID: .generate(), channel: .webChat,
            contactID: .generate(), status: status, priority: .high, assigneeID: .generate(), teamID: .generate(),
            labels: ["vip", "billing"], snoozedUntil: status == .snoozed ? start.addingTimeInterval(600) : nil,
            unreadCount: 2, lastMessage: MessagePreview(content: "earlier", createdAt: start, direction: .incoming),
            createdAt: start, lastActivityAt: start, waitingSince: start, resolvedAt: start.addingTimeInterval(-60))
        func message(_ direction: MessageDirection, _ sender: MessageSender) -> Message {
            Message(id: .generate(), workspaceID: conversation.workspaceID, conversationID: conversation.id,
                    direction: direction, sender: sender, isPrivate: false, content: "new words", status: .delivered,
                    externalID: nil, createdAt: start.addingTimeInterval(30))
        }
        let before = try ConversationRecord(conversation).databaseDictionary
        let received = try ConversationRecord(conversation.receiving(message(.incoming, .contact(conversation.contactID))))
        let replied = try ConversationRecord(conversation.sending(message(.outgoing, .agent(conversation.assigneeID!))))
        // Every column a message changes must be one `updateActivity` writes, or SQLite would lose it.
        for after in [try received.databaseDictionary, try replied.databaseDictionary] {
            let changed = Set(after.keys.filter { after[$0] != before[$0] })
            #expect(changed.isSubset(of: ConversationRecord.activityColumns), "not written: \(changed.subtracting(ConversationRecord.activityColumns))")
            #expect(changed.contains("last_activity_at"))
        }
    }

    @Test func aMessageKeepsTheAssignmentAndLabelsAndIsStoredAsReturned() async throws {
        let storage = try SQLiteStorage.inMemory()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", in: inbox).conversation
        try await storage.write { db in
            try db.execute(sql: "INSERT INTO agents (id, workspace_id, email, email_key, name, role, password_hash, created_at) VALUES ('a1', 'default', 'a@x.test', 'a@x.test', 'A', 'agent', 'x', 0)")
            try db.execute(sql: "UPDATE conversations SET assignee_id = 'a1', labels = '[\"vip\"]', priority = 'urgent' WHERE id = ?",
                           arguments: [first.id.rawValue])
        }
        let result = try await store.receive("m2", in: inbox, content: "second")
        let stored = try #require(try await store.conversation(first.id)?.conversation)
        #expect(stored == result.conversation)
        #expect(stored.assigneeID == AgentID("a1") && stored.labels == ["vip"] && stored.priority == .urgent)
        #expect(stored.unreadCount == 2 && stored.lastMessage?.content == "second")
    }

    /// The lookups by contact name `conversations_by_contact` (SQLite refuses a statement whose named
    /// index cannot serve it, so every test through them checks that); the assignee list relies on the
    /// planner seeing that `assignee_id = ?` satisfies the partial index's condition.
    @Test func theAssigneeListReadsItsPartialIndexInOrder() async throws {
        let storage = try SQLiteStorage.inMemory()
        let plan = try await storage.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT * FROM conversations WHERE workspace_id = 'w' AND assignee_id = 'a'
                ORDER BY last_activity_at DESC LIMIT 26
                """).map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(plan.contains("USING INDEX conversations_by_assignee") && !plan.contains("TEMP B-TREE"), "\(plan)")
    }
}
