import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("Canned responses contract")
struct CannedResponseContractTests {
    @Test(arguments: TestBackend.enabled)
    func listedByShortCodeAndFoundByPrefixOrContentIgnoringCase(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let refund = try await store.createCannedResponse(shortCode: "refund", content: "Your REFUND is on its way.")
        let hello = try await store.createCannedResponse(shortCode: "hello", content: "Hi! Ça va? How can we help?")
        let ship = try await store.createCannedResponse(shortCode: "ship-delay", content: "Shipping takes 3 days; no refund needed.")
        #expect(try await store.cannedResponses(matching: nil) == [hello, refund, ship])
        #expect(try await store.cannedResponses(matching: "SHIP-") == [ship])
        #expect(try await store.cannedResponses(matching: "delay").isEmpty, "a short-code prefix, not any part of it")
        #expect(try await store.cannedResponses(matching: "Refund") == [refund, ship])
        #expect(try await store.cannedResponses(matching: "ÇA VA") == [hello], "case folds beyond ASCII the same everywhere")
        #expect(try await store.cannedResponses(matching: "%").isEmpty, "no wildcards")
        #expect(try await store.cannedResponses(matching: "_").isEmpty)
    }

    @Test(arguments: TestBackend.enabled)
    func shortCodesAreUniquePerWorkspace(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        _ = try await store.createCannedResponse(shortCode: "hi", content: "Hello")
        await #expect(throws: StorageError.duplicate("a canned response with this short code")) {
            try await store.createCannedResponse(shortCode: "hi", content: "Hello again")
        }
        let other = storage.workspace(WorkspaceID("other"))
        _ = try await other.createCannedResponse(shortCode: "hi", content: "Another business")
        #expect(try await store.cannedResponses(matching: nil).map(\.content) == ["Hello"])
    }

    @Test(arguments: TestBackend.enabled)
    func updateChangesOnlyWhatIsGivenAndKeepsSearchInStep(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let first = try await store.createCannedResponse(shortCode: "a", content: "Apples")
        _ = try await store.createCannedResponse(shortCode: "b", content: "Bananas")
        let renamed = try await store.updateCannedResponse(first.id, shortCode: "apple", content: nil)
        #expect(renamed == CannedResponse(id: first.id, shortCode: "apple", content: "Apples", createdAt: first.createdAt))
        let rewritten = try await store.updateCannedResponse(first.id, shortCode: nil, content: "Pears")
        #expect(rewritten.shortCode == "apple" && rewritten.content == "Pears")
        #expect(try await store.cannedResponses(matching: "pear") == [rewritten])
        #expect(try await store.cannedResponses(matching: "apples").isEmpty)
        await #expect(throws: StorageError.duplicate("a canned response with this short code")) {
            try await store.updateCannedResponse(first.id, shortCode: "b", content: nil)
        }
        await #expect(throws: StorageError.notFound("canned response")) {
            try await store.updateCannedResponse(CannedResponseID("nope"), shortCode: "c", content: nil)
        }
    }

    @Test(arguments: TestBackend.enabled)
    func deleteRemovesOnlyWithinTheWorkspace(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let saved = try await store.createCannedResponse(shortCode: "bye", content: "Goodbye")
        await #expect(throws: StorageError.notFound("canned response")) {
            try await storage.workspace(WorkspaceID("other")).deleteCannedResponse(saved.id)
        }
        try await store.deleteCannedResponse(saved.id)
        #expect(try await store.cannedResponses(matching: nil).isEmpty)
        await #expect(throws: StorageError.notFound("canned response")) { try await store.deleteCannedResponse(saved.id) }
    }
}
