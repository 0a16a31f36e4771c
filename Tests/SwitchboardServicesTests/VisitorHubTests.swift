import Foundation
import SwitchboardCore
import SwitchboardServices
import SwitchboardSQLite
import Testing

@Suite("Visitor hub")
struct VisitorHubTests {
    static func session(_ contact: String, inbox: String = "inbox") -> VisitorSession {
        VisitorSession(workspaceID: Workspace.defaultID, inboxID: InboxID(inbox), externalID: "visitor:\(contact)",
                       contactID: ContactID(contact), isVerified: false, createdAt: Date())
    }

    static func messageEvent(_ sequence: Int64, to contact: String, inbox: String = "inbox", content: String,
                             isPrivate: Bool = false) -> DomainEvent {
        let message = Message(id: .generate(), workspaceID: Workspace.defaultID, conversationID: ConversationID("c-\(contact)"),
                              direction: .outgoing, sender: .agent(AgentID("a")), isPrivate: isPrivate, content: content,
                              status: .queued, externalID: nil, createdAt: Date())
        return DomainEvent(sequence: sequence, workspaceID: Workspace.defaultID, kind: .messageCreated, inboxID: InboxID(inbox),
                           conversationID: message.conversationID, contactID: ContactID(contact), subjectID: message.id.rawValue,
                           occurredAt: Date(), payload: .message(message))
    }

    /// The contents of the first `count` messages a feed receives (fewer if 5 s pass first).
    static func first(_ count: Int, of connection: VisitorHub.Connection) async -> [String] {
        await withTaskGroup(of: [String]?.self) { group in
            group.addTask {
                var seen: [String] = []
                for await item in connection.feed {
                    if case .message(let message) = item { seen.append(message.content) }
                    if seen.count == count { break }
                }
                return seen
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return nil
            }
            let result = await group.next() ?? nil
            group.cancelAll()
            return result ?? []
        }
    }

    /// Everything already queued on a feed, which is then closed.
    static func drained(_ connection: VisitorHub.Connection) async -> [String] {
        connection.finish()
        var seen: [String] = []
        for await item in connection.feed {
            if case .message(let message) = item { seen.append(message.content) }
        }
        return seen
    }

    @Test func eachVisitorGetsOnlyPublicMessagesOfTheirOwnConversation() async throws {
        let events = LocalEventBus()
        let hub = VisitorHub(events: events, signals: LocalSignalBus())
        let running = Task { try await hub.run() }
        defer { running.cancel() }
        // Published events wait in the hub's subscription, so it only has to exist.
        while events.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(5)) }

        let grace = hub.connect(Self.session("grace"))
        let graceOtherTab = hub.connect(Self.session("grace"))
        let mallory = hub.connect(Self.session("mallory"))
        let graceElsewhere = hub.connect(Self.session("grace", inbox: "other"))
        events.publish([
            Self.messageEvent(1, to: "grace", content: "reply"),
            Self.messageEvent(2, to: "grace", content: "internal note", isPrivate: true),
            Self.messageEvent(3, to: "mallory", content: "for mallory"),
        ])
        // Mallory's message was published last: once it arrived, every event has been dispatched.
        #expect(await Self.first(1, of: mallory) == ["for mallory"])
        #expect(await Self.drained(grace) == ["reply"])
        #expect(await Self.drained(graceOtherTab) == ["reply"])
        #expect(await Self.drained(graceElsewhere) == [])
        mallory.finish()
        #expect(hub.connectionCount == 0, "finished feeds leave the hub")
    }

    @Test func idleSocketsAreClosedAndActiveOnesKept() async {
        let hub = VisitorHub(events: LocalEventBus(), signals: LocalSignalBus(), idleTimeout: .seconds(60))
        let quiet = hub.connect(Self.session("quiet"))
        let busy = hub.connect(Self.session("busy"))
        busy.touch()
        #expect(hub.closeIdle(now: .now + .seconds(30)) == 0)
        #expect(hub.closeIdle(now: .now + .seconds(61)) == 2)
        var last: VisitorFeed?
        for await item in quiet.feed { last = item }
        guard case .refused(let code, _, _)? = last else { Issue.record("expected an idle notice, got \(String(describing: last))"); return }
        #expect(code == "idle")
        busy.finish()
    }
}
