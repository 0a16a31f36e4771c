import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("Label catalogue contract")
struct LabelContractTests {
    @Test(arguments: TestBackend.enabled)
    func labelsAreListedByNameAndNamesAreUnique(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let vip = try await store.createLabel(NewLabel(name: "vip", color: "#d1242f", description: "Pays well"))
        let bug = try await store.createLabel(NewLabel(name: "bug"))
        #expect(bug.color == Label.defaultColor && bug.description == "")
        #expect(try await store.labels() == [bug, vip])
        await #expect(throws: StorageError.duplicate("a label with this name")) {
            try await store.createLabel(NewLabel(name: "vip", color: "#000000"))
        }
    }

    @Test(arguments: TestBackend.enabled)
    func aConversationEditAddsUnknownNamesWithTheDefaultColour(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let vip = try await store.createLabel(NewLabel(name: "vip", color: "#d1242f"))
        let result = try await store.receive("m1", in: try await store.apiInbox())
        _ = try await store.updateConversation(result.conversation.id, ConversationChange(labels: ["vip", "refund", "late"]))
        let labels = try await store.labels()
        #expect(labels.map(\.name) == ["late", "refund", "vip"])
        #expect(labels.last == vip, "an existing entry keeps its colour and id")
        #expect(labels.dropLast().allSatisfy { $0.color == Label.defaultColor })
        #expect(Set(labels.map(\.id)).count == 3)
    }

    @Test(arguments: TestBackend.enabled)
    func deletingAnEntryLeavesConversationsTheirLabels(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let result = try await store.receive("m1", in: try await store.apiInbox())
        _ = try await store.updateConversation(result.conversation.id, ConversationChange(labels: ["vip"]))
        let vip = try #require(try await store.labels().first)
        await #expect(throws: StorageError.notFound("label")) { try await storage.workspace(WorkspaceID("other")).deleteLabel(vip.id) }
        try await store.deleteLabel(vip.id)
        #expect(try await store.labels().isEmpty)
        #expect(try await store.conversation(result.conversation.id)?.conversation.labels == ["vip"])
        #expect(try await store.conversations(matching: ConversationQuery(label: "vip"), page: PageRequest()).items.count == 1)
        await #expect(throws: StorageError.notFound("label")) { try await store.deleteLabel(vip.id) }
    }
}
