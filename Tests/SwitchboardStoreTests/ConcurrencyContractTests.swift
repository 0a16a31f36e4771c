import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

/// What must hold when writes race: PostgreSQL runs them side by side, SQLite one after another.
@Suite("Concurrent writes contract")
struct ConcurrencyContractTests {
    @Test(arguments: TestBackend.enabled)
    func aNewCustomersBurstLandsOnOneContactAndOneConversation(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let results = try await withThrowingTaskGroup(of: IngestResult.self) { group in
            for index in 0..<20 { group.addTask { try await store.receive("m\(index)", from: "burst", in: inbox, email: "b@x.io") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.contact.id)).count == 1)
        #expect(Set(results.map(\.conversation.id)).count == 1)
        #expect(results.filter { $0.events.contains { $0.kind == .contactCreated } }.count == 1)
        let conversation = try #require(try await store.conversation(results[0].conversation.id))
        #expect(conversation.conversation.unreadCount == 20)
        #expect(try await store.messages(in: conversation.conversation.id, page: PageRequest(limit: 100)).items.count == 20)
    }

    @Test(arguments: TestBackend.enabled)
    func oneEmailFromManyNewIdentitiesMakesOneContact(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let contacts = try await withThrowingTaskGroup(of: ContactID.self) { group in
            for index in 0..<10 {
                group.addTask { try await store.receive("m\(index)", from: "id-\(index)", in: inbox, email: "Same@x.io").contact.id }
            }
            return try await group.reduce(into: Set<ContactID>()) { $0.insert($1) }
        }
        #expect(contacts.count == 1)
        let contact = try #require(try await store.contactProfile(contacts.first!)?.contact)
        #expect(contact.emails == ["same@x.io"])
        #expect(contact.identities.count == 10)
    }

    @Test(arguments: TestBackend.enabled)
    func racingRepliesAndCustomerMessagesLoseNoUpdate(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let agent = try await store.agent("a@x.io")
        let first = try await store.receive("m0", in: inbox)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...10 {
                group.addTask { _ = try await store.receive("m\(index)", in: inbox) }
                group.addTask {
                    _ = try await store.appendOutgoing(OutgoingMessage(
                        conversationID: first.conversation.id, sender: .agent(agent.id), content: "note \(index)", isPrivate: true,
                        status: .sent))
                }
            }
            try await group.waitForAll()
        }
        let conversation = try #require(try await store.conversation(first.conversation.id)?.conversation)
        #expect(conversation.unreadCount == 11, "private notes leave the unread count alone")
        #expect(try await store.messages(in: conversation.id, page: PageRequest(limit: 100)).items.count == 21)
    }

    @Test(arguments: TestBackend.enabled)
    func messagesArrivingDuringAMergeLandOnTheSurvivor(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let survivor = try await store.receive("a0", from: "ann", in: inbox).contact.id
        let other = try await store.receive("b0", from: "bob", in: inbox).contact.id
        let senders = try await withThrowingTaskGroup(of: ContactID?.self) { group in
            for index in 1...10 { group.addTask { try await store.receive("b\(index)", from: "bob", in: inbox).contact.id } }
            group.addTask { _ = try await store.mergeContacts(survivor: survivor, other: other); return nil }
            return try await group.reduce(into: [ContactID]()) { if let id = $1 { $0.append(id) } }
        }
        #expect(senders.count == 10)
        #expect(try await store.contactProfile(other) == nil)
        let profile = try #require(try await store.contactProfile(survivor))
        #expect(Set(profile.contact.identities.map(\.externalID)) == ["ann", "bob"])
        for conversation in profile.conversations {
            let messages = try await store.messages(in: conversation.id, page: PageRequest(limit: 100)).items
            #expect(messages.allSatisfy { $0.sender == .contact(survivor) })
        }
    }
}
