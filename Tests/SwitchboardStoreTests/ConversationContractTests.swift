import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("ConversationStore contract")
struct ConversationContractTests {
    @Test(arguments: TestBackend.enabled)
    func replyAnswersTheCustomerAndNoteDoesNot(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let agent = try await store.agent("a@x.io")
        let incoming = try await store.receive("m1", in: inbox)

        let note = try await store.appendOutgoing(OutgoingMessage(
            conversationID: incoming.conversation.id, sender: .agent(agent.id), content: "internal", isPrivate: true,
            status: .sent))
        #expect(note.value.message.isPrivate)
        #expect(note.value.conversation.unreadCount == 1)
        #expect(note.value.conversation.firstResponseAt == nil)
        #expect(note.value.conversation.lastMessage?.content == "Hello")

        let reply = try await store.appendOutgoing(OutgoingMessage(
            conversationID: incoming.conversation.id, sender: .agent(agent.id), content: "On it", isPrivate: false,
            status: .sent))
        #expect(reply.value.conversation.unreadCount == 0)
        #expect(reply.value.conversation.firstResponseAt != nil)
        #expect(reply.value.conversation.waitingSince == nil)
        #expect(reply.value.conversation.lastMessage?.direction == .outgoing)
        #expect(reply.events.map(\.kind) == [.messageCreated])

        let stored = try await store.conversation(incoming.conversation.id)
        #expect(stored?.conversation == reply.value.conversation)
    }

    @Test(arguments: TestBackend.enabled)
    func messagesPageOldestFirstWithCursor(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        var conversation: ConversationID?
        for index in 0..<5 { conversation = try await store.receive("m\(index)", in: inbox, content: "n\(index)").conversation.id }
        let first = try await store.messages(in: conversation!, page: PageRequest(limit: 2))
        #expect(first.items.map(\.content) == ["n0", "n1"])
        let second = try await store.messages(in: conversation!, page: PageRequest(limit: 2, cursor: first.nextCursor))
        #expect(second.items.map(\.content) == ["n2", "n3"])
        let last = try await store.messages(in: conversation!, page: PageRequest(limit: 2, cursor: second.nextCursor))
        #expect(last.items.map(\.content) == ["n4"])
        #expect(last.nextCursor == nil)
    }

    @Test(arguments: TestBackend.enabled)
    func listPagesByRecentActivityWithoutGapsOrRepeats(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        for index in 0..<7 { _ = try await store.receive("m\(index)", from: "c\(index)", in: inbox) }
        var seen: [Int] = []
        var cursor: String?
        repeat {
            let page = try await store.conversations(matching: ConversationQuery(), page: PageRequest(limit: 3, cursor: cursor))
            seen += page.items.map(\.conversation.number)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == [7, 6, 5, 4, 3, 2, 1])
    }

    /// A word in thousands of messages (the SQLite store then walks conversations in activity order
    /// instead of collecting every match): still each matching conversation once, newest first, paged.
    @Test(arguments: TestBackend.enabled)
    func broadTextSearchPagesThroughEveryMatchOnce(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: 2_100, by: 8) {
                        _ = try await store.receive("m\(index)", from: "c\(index % 30)", in: inbox, content: "refund for order \(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
        _ = try await store.receive("other", from: "c-other", in: inbox, content: "where is my parcel")
        var seen: [Date] = []
        var ids: Set<ConversationID> = []
        var cursor: String?
        repeat {
            let page = try await store.conversations(matching: ConversationQuery(text: "refund"), page: PageRequest(limit: 7, cursor: cursor))
            seen += page.items.map(\.conversation.lastActivityAt)
            ids.formUnion(page.items.map(\.conversation.id))
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == 30 && ids.count == 30)
        #expect(seen == seen.sorted(by: >))
    }

    @Test(arguments: TestBackend.enabled)
    func repliesReadByTheCustomerOnce(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let received = try await store.receive("m1", in: inbox)
        let id = received.conversation.id
        let agent = try await store.agent("a@x.io")
        func send(_ text: String, isPrivate: Bool = false) async throws -> Message {
            try await store.appendOutgoing(OutgoingMessage(conversationID: id, sender: .agent(agent.id), content: text,
                                                           isPrivate: isPrivate, status: .sent, attachmentIDs: [])).value.message
        }
        let first = try await send("one")
        let note = try await send("note", isPrivate: true)
        let second = try await send("two")
        let read = try await store.markRepliesRead(in: id, through: Date().addingTimeInterval(1))
        #expect(read.value.map(\.id) == [first.id, second.id])
        #expect(read.value.allSatisfy { $0.status == .read })
        #expect(read.events.map(\.kind) == [.messageUpdated, .messageUpdated])
        let again = try await store.markRepliesRead(in: id, through: Date().addingTimeInterval(1))
        #expect(again.value.isEmpty && again.events.isEmpty, "already read")
        let later = try await send("three")
        let early = try await store.markRepliesRead(in: id, through: later.createdAt.addingTimeInterval(-60))
        #expect(early.value.isEmpty, "written after the moment the customer saw the conversation")
        let statuses = Dictionary(uniqueKeysWithValues: try await store.messages(in: id, page: PageRequest()).items.map { ($0.id, $0.status) })
        #expect(statuses[note.id] == .sent && statuses[later.id] == .sent && statuses[received.message.id] == .delivered)
        await #expect(throws: StorageError.self) { try await store.markRepliesRead(in: ConversationID("nope"), through: Date()) }
    }

    @Test(arguments: TestBackend.enabled)
    func deliveryStatusMovesOnlyFromTheExpectedOne(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let agent = try await store.agent("a@x.io")
        let received = try await store.receive("m1", in: inbox)
        let reply = try await store.appendOutgoing(OutgoingMessage(
            conversationID: received.conversation.id, sender: .agent(agent.id), content: "On it", isPrivate: false,
            status: .queued)).value.message
        #expect(try await store.message(reply.id) == reply)
        #expect(try await store.message(MessageID("nope")) == nil)

        let failed = try #require(try await store.setDeliveryStatus(of: reply.id, to: .failed, ifNow: [.queued]))
        #expect(failed.value.status == .failed && failed.value.content == "On it")
        #expect(failed.events.map(\.kind) == [.messageUpdated])
        #expect(failed.events.first?.inboxID == inbox.id && failed.events.first?.contactID == received.contact.id)
        #expect(try await store.message(reply.id)?.status == .failed)

        // A late outcome of an earlier attempt finds the status moved on and changes nothing.
        #expect(try await store.setDeliveryStatus(of: reply.id, to: .sent, ifNow: [.queued]) == nil)
        #expect(try await store.message(reply.id)?.status == .failed)
        let retried = try #require(try await store.setDeliveryStatus(of: reply.id, to: .queued, ifNow: [.failed]))
        #expect(retried.value.status == .queued)
        #expect(try await store.setDeliveryStatus(of: reply.id, to: .sent, ifNow: [.queued])?.value.status == .sent)
        await #expect(throws: StorageError.self) {
            try await store.setDeliveryStatus(of: MessageID("nope"), to: .sent, ifNow: [.queued])
        }
    }

    @Test(arguments: TestBackend.enabled)
    func garbageCursorIsRejected(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        await #expect(throws: InvalidCursor.self) {
            try await store.conversations(matching: ConversationQuery(), page: PageRequest(cursor: "not-a-cursor"))
        }
    }

    @Test(arguments: TestBackend.enabled)
    func filtersNarrowTheList(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let other = try await store.apiInbox("Other")
        let agent = try await store.agent("a@x.io")
        let team = try await store.createTeam(name: "Billing", agentIDs: [agent.id])
        let refund = try await store.receive("m1", from: "c1", in: inbox, content: "I want a refund", name: "Grace")
        let shipping = try await store.receive("m2", from: "c2", in: other, content: "Where is my parcel")
        _ = try await store.updateConversation(refund.conversation.id, ConversationChange(
            status: .pending, assignee: .some(agent.id), team: .some(team.id), priority: .high, labels: ["Billing", "vip"]))

        func numbers(_ query: ConversationQuery) async throws -> [Int] {
            try await store.conversations(matching: query, page: PageRequest()).items.map(\.conversation.number)
        }
        let r = refund.conversation.number, s = shipping.conversation.number
        #expect(try await numbers(ConversationQuery(status: .pending)) == [r])
        #expect(try await numbers(ConversationQuery(inboxID: other.id)) == [s])
        #expect(try await numbers(ConversationQuery(assigneeID: .some(agent.id))) == [r])
        #expect(try await numbers(ConversationQuery(assigneeID: .some(nil))) == [s])
        #expect(try await numbers(ConversationQuery(teamID: team.id)) == [r])
        #expect(try await numbers(ConversationQuery(label: "billing")) == [r])
        #expect(try await numbers(ConversationQuery(channel: .email)) == [])
        #expect(try await numbers(ConversationQuery(text: "parc")) == [s])
        #expect(try await numbers(ConversationQuery(text: "grace")) == [r])
        #expect(try await numbers(ConversationQuery(text: "\"")) == [])
        var scoped = ConversationQuery()
        scoped.inboxIDs = [other.id]
        #expect(try await numbers(scoped) == [s], "an agent's inboxes only")
        scoped.inboxIDs = [other.id, inbox.id]
        #expect(try await Set(numbers(scoped)) == [s, r])
        scoped.inboxIDs = []
        #expect(try await numbers(scoped) == [], "a member of no inbox")
        scoped.inboxIDs = [inbox.id]
        scoped.text = "parc"
        #expect(try await numbers(scoped) == [], "scope and search together")
    }

    @Test(arguments: TestBackend.enabled)
    func updateChecksReferencesAndRules(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let id = try await store.receive("m1", in: inbox).conversation.id

        await #expect(throws: StorageError.notFound("assignee")) {
            try await store.updateConversation(id, ConversationChange(assignee: .some(AgentID("nobody"))))
        }
        await #expect(throws: StorageError.notFound("team")) {
            try await store.updateConversation(id, ConversationChange(team: .some(TeamID("none"))))
        }
        await #expect(throws: ConversationRuleViolation.snoozeNeedsFutureTime) {
            try await store.updateConversation(id, ConversationChange(status: .snoozed))
        }
        await #expect(throws: StorageError.notFound("conversation")) {
            try await store.updateConversation(ConversationID("missing"), ConversationChange(status: .resolved))
        }
        let resolved = try await store.updateConversation(id, ConversationChange(status: .resolved))
        #expect(resolved.value.status == .resolved)
        #expect(resolved.value.resolvedAt != nil)
        #expect(resolved.events.map(\.kind) == [.conversationUpdated])
        let again = try await store.updateConversation(id, ConversationChange(status: .resolved))
        #expect(again.events.isEmpty)
    }

    @Test(arguments: TestBackend.enabled)
    func markReadClearsUnread(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let id = try await store.receive("m1", in: inbox).conversation.id
        let read = try await store.markRead(id)
        #expect(read.value.unreadCount == 0)
        #expect(try await store.conversation(id)?.conversation.unreadCount == 0)
    }

    @Test(arguments: TestBackend.enabled)
    func eventLogReplaysInOrderAfterASequence(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let inbox = try await store.apiInbox()
        let first = try await store.receive("m1", in: inbox)
        let second = try await store.receive("m2", in: inbox)
        let all = try await store.numberedEvents(after: nil, atLeast: first.events.count + second.events.count)
        // A backend may number the log after commit (PostgreSQL does, in commit-safe order), so the
        // events a write returns are matched by what they are, and the log's numbers are checked there.
        #expect(all.map(\.subjectID) == (first.events + second.events).map(\.subjectID))
        #expect(all.map(\.kind) == (first.events + second.events).map(\.kind))
        #expect(all.map(\.sequence) == all.map(\.sequence).sorted())
        #expect(Set(all.map(\.sequence)).count == all.count)
        let tail = try await store.events(after: all[first.events.count - 1].sequence, limit: 100)
        #expect(tail.map(\.subjectID) == second.events.map(\.subjectID))
        #expect(try await store.latestEventSequence() == all.last?.sequence)
        #expect(try await store.events(after: all.last?.sequence, limit: 100).isEmpty)
    }

    @Test(arguments: TestBackend.enabled)
    func eventsCarryTheStateTheyAnnounce(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        #expect(try await store.latestEventSequence() == 0)
        let inbox = try await store.apiInbox()
        let incoming = try await store.receive("m1", in: inbox, name: "Ada")
        let logged = try await store.numberedEvents(after: nil, atLeast: 3, limit: 10)
        try #require(logged.map(\.kind) == [.contactCreated, .conversationCreated, .messageCreated])
        #expect(logged[1].payload == .conversation(incoming.conversation, contact: ContactName(id: incoming.contact.id, name: "Ada")))
        #expect(logged[2].payload == .message(incoming.message))
        #expect(logged[2].inboxID == inbox.id)
        #expect(logged[2].conversationID == incoming.conversation.id)
        let note = try await store.appendOutgoing(OutgoingMessage(
            conversationID: incoming.conversation.id, sender: .agent(AgentID("a")), content: "psst", isPrivate: true, status: .sent))
        let last = try await store.numberedEvents(after: logged.last?.sequence, atLeast: 1, limit: 10)
        #expect(last.map(\.payload) == [.message(note.value.message)])
    }
}
