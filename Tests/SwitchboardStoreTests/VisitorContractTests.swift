import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("Web-chat visitors and inbox membership contract")
struct VisitorContractTests {
    func chatInbox(_ store: any WorkspaceStorage) async throws -> Inbox {
        try await store.createInbox(NewInbox(name: "Site", channel: .webChat, settings: [:], inboundTokenDigest: nil))
    }

    func open(_ store: any WorkspaceStorage, _ inbox: Inbox, digest: String, _ identity: NewVisitorSession.Identity,
              name: String? = nil, email: String? = nil) async throws -> Written<VisitorSession> {
        try await store.createVisitorSession(NewVisitorSession(inboxID: inbox.id, tokenDigest: digest, identity: identity,
                                                               name: name, email: email))
    }

    @Test(arguments: TestBackend.enabled)
    func anonymousVisitorsAlwaysGetTheirOwnContactAndTheSessionIsFoundByDigest(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await chatInbox(store)
        let grace = try await store.receive("m1", from: "crm-1", in: try await store.apiInbox(), email: "grace@example.com")

        // Claiming Grace's email without the business's signature must not land on Grace.
        let visitor = try await open(store, inbox, digest: "d1", .anonymous, name: "Mallory", email: "grace@example.com")
        #expect(visitor.value.contactID != grace.contact.id)
        #expect(visitor.value.isVerified == false)
        #expect(visitor.events.map(\.kind) == [.contactCreated])
        let profile = try #require(try await store.contactProfile(visitor.value.contactID))
        #expect(profile.contact.name == "Mallory")
        #expect(profile.contact.emails.isEmpty)
        #expect(profile.contact.attributes["unverified_email"] == .string("grace@example.com"))

        let found = try await storage.directory.visitorSession(tokenDigest: "d1")
        #expect(found == visitor.value)
        #expect(try await storage.directory.visitorSession(tokenDigest: "nope") == nil)
        let other = try await open(store, inbox, digest: "d2", .anonymous)
        #expect(other.value.contactID != visitor.value.contactID)
        #expect(other.value.externalID != visitor.value.externalID)
    }

    @Test(arguments: TestBackend.enabled)
    func verifiedVisitorsLandOnTheirExistingContact(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await chatInbox(store)
        let grace = try await store.receive("m1", from: "crm-1", in: try await store.apiInbox(), email: "grace@example.com")

        let first = try await open(store, inbox, digest: "d1", .verified(identifier: "u-42"), email: "GRACE@example.com")
        #expect(first.value.contactID == grace.contact.id)
        #expect(first.value.isVerified)
        #expect(first.events.isEmpty)
        // The same identifier on another device finds the same contact by identity.
        let second = try await open(store, inbox, digest: "d2", .verified(identifier: "u-42"))
        #expect(second.value.contactID == grace.contact.id)
        #expect(second.value.externalID == first.value.externalID)
        let fresh = try await open(store, inbox, digest: "d3", .verified(identifier: "u-99"), name: "Hopper", email: "hopper@example.com")
        #expect(fresh.value.contactID != grace.contact.id)
        #expect(try await store.contactProfile(fresh.value.contactID)?.contact.emails == ["hopper@example.com"])
    }

    @Test(arguments: TestBackend.enabled)
    func visitorMessagesJoinTheSessionsContactEvenAfterAMerge(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await chatInbox(store)
        let session = try await open(store, inbox, digest: "d1", .anonymous).value
        let hello = try await store.appendIncoming(IncomingMessage(
            inboxID: inbox.id, externalID: session.externalID + "/c1",
            contact: ContactDraft(externalID: session.externalID, name: nil, email: nil, phone: nil), content: "Hi", sentAt: nil))
        #expect(hello.contact.id == session.contactID)
        #expect(hello.events.last?.contactID == session.contactID)
        #expect(try await store.latestConversation(of: session.contactID, in: inbox.id)?.id == hello.conversation.id)

        let survivor = try await store.receive("m1", from: "crm-1", in: try await store.apiInbox())
        _ = try await store.mergeContacts(survivor: survivor.contact.id, other: session.contactID)
        let after = try await storage.directory.visitorSession(tokenDigest: "d1")
        #expect(after?.contactID == survivor.contact.id)
    }

    @Test(arguments: TestBackend.enabled)
    func sessionsNeedAKnownInbox(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        await #expect(throws: StorageError.notFound("inbox")) {
            try await store.createVisitorSession(NewVisitorSession(inboxID: InboxID("ghost"), tokenDigest: "d", identity: .anonymous,
                                                                   name: nil, email: nil))
        }
    }

    @Test(arguments: TestBackend.enabled)
    func inboxMembersAreReplacedWhole(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await chatInbox(store)
        let other = try await store.apiInbox()
        let ada = try await store.agent("ada@x.io")
        let bob = try await store.agent("bob@x.io")
        #expect(try await store.setInboxMembers(inbox.id, agents: [bob.id, ada.id, ada.id]) == [ada.id, bob.id].sorted())
        _ = try await store.setInboxMembers(other.id, agents: [ada.id])
        #expect(try await store.inboxIDs(of: ada.id) == [inbox.id, other.id])
        #expect(try await store.setInboxMembers(inbox.id, agents: [bob.id]) == [bob.id])
        #expect(try await store.inboxMembers(inbox.id) == [bob.id])
        #expect(try await store.inboxIDs(of: ada.id) == [other.id])
        await #expect(throws: StorageError.notFound("agent ghost")) { try await store.setInboxMembers(inbox.id, agents: [AgentID("ghost")]) }
        #expect(try await store.inboxMembers(inbox.id) == [bob.id], "a refused change leaves the members as they were")
        await #expect(throws: StorageError.notFound("inbox")) { try await store.inboxMembers(InboxID("ghost")) }
    }
}
