import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("ConversationStore.appendIncoming contract")
struct IngestContractTests {
    @Test(arguments: TestBackend.enabled)
    func firstMessageCreatesContactConversationAndMessage(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let result = try await store.receive("m1", in: inbox, content: "My order is late", name: "Ada")

        #expect(!result.isDuplicate)
        #expect(result.contact.name == "Ada")
        let profile = try await store.contactProfile(result.contact.id)?.contact
        #expect(profile?.name == "Ada")
        #expect(profile?.identities == [ContactIdentity(channel: .api, externalID: "cust-1")])
        #expect(result.conversation.number == 1)
        #expect(result.conversation.status == .open)
        #expect(result.conversation.unreadCount == 1)
        #expect(result.conversation.lastMessage?.content == "My order is late")
        #expect(result.message.direction == .incoming)
        #expect(result.message.sender == .contact(result.contact.id))
        #expect(Set(result.events.map(\.kind)) == [.contactCreated, .conversationCreated, .messageCreated])
    }

    @Test(arguments: TestBackend.enabled)
    func redeliveryReturnsTheSameIdsAndWritesNothing(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", in: inbox)
        let again = try await store.receive("m1", in: inbox, content: "different body")

        #expect(again.isDuplicate)
        #expect(again.events.isEmpty)
        #expect(again.message.id == first.message.id)
        #expect(again.conversation.id == first.conversation.id)
        #expect(again.message.content == "Hello")
        let messages = try await store.messages(in: first.conversation.id, page: PageRequest())
        #expect(messages.items.count == 1)
    }

    @Test(arguments: TestBackend.enabled)
    func concurrentRedeliveriesStoreOneMessage(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let results = try await withThrowingTaskGroup(of: IngestResult.self) { group in
            for _ in 0..<20 { group.addTask { try await store.receive("same", in: inbox) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.message.id)).count == 1)
        #expect(results.filter { !$0.isDuplicate }.count == 1)
        let page = try await store.conversations(matching: ConversationQuery(), page: PageRequest())
        #expect(page.items.count == 1)
    }

    @Test(arguments: TestBackend.enabled)
    func nextMessageJoinsTheOpenConversation(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", in: inbox)
        let second = try await store.receive("m2", in: inbox, content: "Anyone?")

        #expect(second.conversation.id == first.conversation.id)
        #expect(second.contact.id == first.contact.id)
        #expect(second.conversation.unreadCount == 2)
        #expect(second.events.map(\.kind) == [.messageCreated])
    }

    @Test(arguments: TestBackend.enabled)
    func messageAfterResolutionOpensANewConversation(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", in: inbox)
        _ = try await store.updateConversation(first.conversation.id, ConversationChange(status: .resolved))
        let second = try await store.receive("m2", in: inbox)

        #expect(second.conversation.id != first.conversation.id)
        #expect(second.conversation.number == 2)
        #expect(second.contact.id == first.contact.id)
    }

    @Test(arguments: TestBackend.enabled)
    func customerMessageWakesASnoozedConversation(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", in: inbox)
        _ = try await store.updateConversation(
            first.conversation.id, ConversationChange(status: .snoozed, snoozedUntil: Date().addingTimeInterval(3600)))
        let second = try await store.receive("m2", in: inbox)

        #expect(second.conversation.id == first.conversation.id)
        #expect(second.conversation.status == .open)
        #expect(second.conversation.snoozedUntil == nil)
        #expect(second.events.map(\.kind) == [.conversationUpdated, .messageCreated])
    }

    @Test(arguments: TestBackend.enabled)
    func sameEmailOnAnotherIdentityLandsOnTheSameContact(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", from: "crm-17", in: inbox, email: "Ada@Example.com")
        let second = try await store.receive("m2", from: "shop-99", in: inbox, email: "ada@example.com")

        #expect(second.contact.id == first.contact.id)
        #expect(second.contact.name == first.contact.name, "the name of the contact found by email")
        let profile = try #require(try await store.contactProfile(second.contact.id)?.contact)
        #expect(profile.emails == ["ada@example.com"])
        #expect(Set(profile.identities.map(\.externalID)) == ["crm-17", "shop-99"])
    }

    @Test(arguments: TestBackend.enabled)
    func aKnownSendersNewEmailJoinsTheirContact(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", from: "crm-17", in: inbox)
        let second = try await store.receive("m2", from: "crm-17", in: inbox, email: "ada@example.com")

        #expect(second.contact.id == first.contact.id)
        #expect(second.conversation.id == first.conversation.id)
        let profile = try #require(try await store.contactProfile(first.contact.id)?.contact)
        #expect(profile.emails == ["ada@example.com"], "a later message may bring the sender's email")
        let byEmail = try await store.receive("m3", from: "shop-99", in: inbox, email: "ada@example.com")
        #expect(byEmail.contact.id == first.contact.id, "and another channel id with that email finds them")
    }

    @Test(arguments: TestBackend.enabled)
    func unknownInboxIsNotFound(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let ghost = Inbox(id: .generate(), workspaceID: Workspace.defaultID, name: "x", channel: .api, settings: [:],
                          createdAt: Date())
        await #expect(throws: StorageError.notFound("inbox")) { try await store.receive("m1", in: ghost) }
    }

    @Test(arguments: TestBackend.enabled)
    func conversationNumbersAreUniqueUnderConcurrency(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<30 {
                group.addTask { try await store.receive("m\(index)", from: "c\(index)", in: inbox).conversation.number }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(1...30))
    }
}
