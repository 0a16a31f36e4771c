import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("ContactStore and SearchStore contract")
struct ContactContractTests {
    @Test(arguments: TestBackend.enabled)
    func profileListsConversationsOnEveryInbox(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let web = try await store.apiInbox("Web")
        let app = try await store.apiInbox("App")
        let one = try await store.receive("m1", in: web)
        let two = try await store.receive("m2", in: app)
        #expect(one.contact.id == two.contact.id)
        let profile = try await store.contactProfile(one.contact.id)
        #expect(Set(profile?.conversations.map(\.id) ?? []) == [one.conversation.id, two.conversation.id])
        #expect(try await store.contactProfile(ContactID("nobody")) == nil)
    }

    @Test(arguments: TestBackend.enabled)
    func searchByNameEmailAndPaging(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        _ = try await store.receive("m1", from: "c1", in: inbox, email: "ada@lovelace.org", name: "Ada Lovelace")
        _ = try await store.receive("m2", from: "c2", in: inbox, name: "Alan Turing")
        _ = try await store.receive("m3", from: "c3", in: inbox, name: "Grace Hopper")
        #expect(try await store.contacts(matching: "lovel", page: PageRequest()).items.map(\.name) == ["Ada Lovelace"])
        #expect(try await store.contacts(matching: "lovelace.org", page: PageRequest()).items.map(\.name) == ["Ada Lovelace"])
        let first = try await store.contacts(matching: nil, page: PageRequest(limit: 2))
        #expect(first.items.map(\.name) == ["Grace Hopper", "Alan Turing"])
        let rest = try await store.contacts(matching: nil, page: PageRequest(limit: 2, cursor: first.nextCursor))
        #expect(rest.items.map(\.name) == ["Ada Lovelace"])
        #expect(rest.nextCursor == nil)
    }

    @Test(arguments: TestBackend.enabled)
    func mergeMovesIdentitiesAndConversations(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let a = try await store.receive("m1", from: "c1", in: inbox, email: "a@x.io", name: "Ann")
        let b = try await store.receive("m2", from: "c2", in: inbox, email: "b@x.io", name: "Ann B")
        let merged = try await store.mergeContacts(survivor: a.contact.id, other: b.contact.id)
        #expect(merged.value.id == a.contact.id)
        #expect(Set(merged.value.emails) == ["a@x.io", "b@x.io"])
        #expect(Set(merged.value.identities.map(\.externalID)) == ["c1", "c2"])
        #expect(merged.events.map(\.kind) == [.contactMerged])
        #expect(try await store.contactProfile(b.contact.id) == nil)
        let profile = try await store.contactProfile(a.contact.id)
        #expect(profile?.conversations.count == 2)
        let moved = try await store.messages(in: b.conversation.id, page: PageRequest())
        #expect(moved.items.first?.sender == .contact(a.contact.id))
        // The next message from the merged identity lands on the survivor.
        let later = try await store.receive("m3", from: "c2", in: inbox)
        #expect(later.contact.id == a.contact.id)
        await #expect(throws: StorageError.conflict("a contact cannot be merged into itself")) {
            try await store.mergeContacts(survivor: a.contact.id, other: a.contact.id)
        }
        await #expect(throws: StorageError.notFound("contact")) {
            try await store.mergeContacts(survivor: a.contact.id, other: b.contact.id)
        }
    }

    @Test(arguments: TestBackend.enabled)
    func searchFindsMessagesContactsAndConversations(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let hit = try await store.receive("m1", from: "c1", in: inbox, content: "The invoice total is wrong", name: "Zed")
        _ = try await store.receive("m2", from: "c2", in: inbox, content: "Thanks!", name: "Yan")
        let results = try await store.search("invoi", limit: 10)
        #expect(results.messages.map(\.id) == [hit.message.id])
        #expect(results.conversations.map(\.conversation.id) == [hit.conversation.id])
        #expect(try await store.search("zed", limit: 10).contacts.map(\.id) == [hit.contact.id])
        #expect(try await store.search("()*", limit: 10).messages.isEmpty)

        // Within an agent's inboxes: the other inbox's invoice is left out, contacts are everyone's.
        let other = try await store.apiInbox("Other")
        let elsewhere = try await store.receive("m3", from: "c1", in: other, content: "Second invoice", name: "Zed")
        let everywhere = try await store.search("invoi", limit: 10)
        #expect(Set(everywhere.messages.map(\.id)) == [hit.message.id, elsewhere.message.id])
        let scoped = try await store.search("invoi", limit: 10, inboxes: [inbox.id])
        #expect(scoped.messages.map(\.id) == [hit.message.id])
        #expect(scoped.conversations.map(\.conversation.id) == [hit.conversation.id])
        #expect(try await store.search("zed", limit: 10, inboxes: []).contacts.map(\.id) == [hit.contact.id])
        let none = try await store.search("invoi", limit: 10, inboxes: [])
        #expect(none.messages.isEmpty && none.conversations.isEmpty)
    }
}
