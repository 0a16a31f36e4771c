import Foundation
import Synchronization
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

    /// A socket that records what is written to it.
    final class RecordingSink: VisitorSink {
        private let state = Mutex<(items: [VisitorFeed], closed: Bool)>(([], false))

        func write(_ item: VisitorFeed) async -> Bool {
            state.withLock { $0.items.append(item) }
            return true
        }

        func close() async { state.withLock { $0.closed = true } }

        var messages: [String] {
            state.withLock { $0.items.compactMap { if case .message(let message) = $0 { message.content } else { nil } } }
        }
        var last: VisitorFeed? { state.withLock { $0.items.last } }
        var isClosed: Bool { state.withLock { $0.closed } }
        /// Each frame in short: a refusal's code, else the kind.
        var codes: [String] {
            state.withLock {
                $0.items.map {
                    switch $0 {
                    case .refused(let code, _, _): code
                    case .presence: "presence"
                    default: "other"
                    }
                }
            }
        }

        /// Waits (up to 5 s) until `condition` holds.
        func wait(until condition: (RecordingSink) -> Bool) async {
            let deadline = ContinuousClock.now + .seconds(5)
            while !condition(self), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        }
    }

    static func connect(_ hub: VisitorHub, _ contact: String, inbox: String = "inbox") -> (VisitorHub.Connection, RecordingSink) {
        let sink = RecordingSink()
        let connection = hub.connect(Self.session(contact, inbox: inbox), sink: sink)
        connection.start { true }
        return (connection, sink)
    }

    @Test func eachVisitorGetsOnlyPublicMessagesOfTheirOwnConversation() async throws {
        let events = LocalEventBus()
        let hub = VisitorHub(events: events, signals: LocalSignalBus())
        let running = Task { try await hub.run() }
        defer { running.cancel() }
        // Published events wait in the hub's subscription, so it only has to exist.
        while events.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(5)) }

        let (grace, graceSink) = Self.connect(hub, "grace")
        let (graceOtherTab, otherTabSink) = Self.connect(hub, "grace")
        let (mallory, mallorySink) = Self.connect(hub, "mallory")
        let (graceElsewhere, elsewhereSink) = Self.connect(hub, "grace", inbox: "other")
        events.publish([
            Self.messageEvent(1, to: "grace", content: "reply"),
            Self.messageEvent(2, to: "grace", content: "internal note", isPrivate: true),
            Self.messageEvent(3, to: "mallory", content: "for mallory"),
        ])
        // Mallory's message was published last: once it arrived, every event has been dispatched.
        await mallorySink.wait { $0.messages.count == 1 }
        #expect(mallorySink.messages == ["for mallory"])
        for connection in [grace, graceOtherTab, mallory, graceElsewhere] { connection.finish() }
        await graceSink.wait { $0.isClosed }
        await otherTabSink.wait { $0.isClosed }
        await elsewhereSink.wait { $0.isClosed }
        #expect(graceSink.messages == ["reply"])
        #expect(otherTabSink.messages == ["reply"])
        #expect(elsewhereSink.messages == [])
        #expect(hub.connectionCount == 0, "finished connections leave the hub")
    }

    @Test func framesWaitForTheGreetingAndKeepTheirOrder() async {
        let hub = VisitorHub(events: LocalEventBus(), signals: LocalSignalBus())
        let sink = RecordingSink()
        let connection = hub.connect(Self.session("grace"), sink: sink)
        for n in 1...3 { connection.send(.refused(code: "n\(n)", message: "", clientID: nil)) }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(sink.last == nil, "nothing is written before the greeting")
        connection.start {
            await sink.write(.presence(agentsOnline: true))
        }
        for n in 4...6 { connection.send(.refused(code: "n\(n)", message: "", clientID: nil)) }
        connection.finish()
        await sink.wait { $0.isClosed }
        let codes = sink.codes
        #expect(codes == ["presence", "n1", "n2", "n3", "n4", "n5", "n6"])
        #expect(!connection.send(.typing(true)), "a finished connection takes nothing more")
    }

    @Test func aVisitorTooFarBehindIsDroppedAndClosed() async {
        let hub = VisitorHub(events: LocalEventBus(), signals: LocalSignalBus())
        let sink = RecordingSink()
        let connection = hub.connect(Self.session("slow"), sink: sink)
        // Not started: the writer never runs, so the queue only fills.
        for _ in 0..<VisitorHub.bufferSize { #expect(connection.send(.typing(true))) }
        #expect(!connection.send(.typing(true)), "one frame too many drops the visitor")
        #expect(hub.connectionCount == 0)
    }

    @Test func idleSocketsAreClosedAndActiveOnesKept() async {
        let hub = VisitorHub(events: LocalEventBus(), signals: LocalSignalBus(), idleTimeout: .seconds(60))
        let (quiet, quietSink) = Self.connect(hub, "quiet")
        let (busy, _) = Self.connect(hub, "busy")
        busy.touch()
        #expect(hub.closeIdle(now: .now + .seconds(30)) == 0)
        #expect(hub.closeIdle(now: .now + .seconds(61)) == 2)
        await quietSink.wait { $0.isClosed }
        _ = quiet
        guard case .refused(let code, _, _)? = quietSink.last else { Issue.record("expected an idle notice, got \(String(describing: quietSink.last))"); return }
        #expect(code == "idle")
        busy.finish()
    }

    @Test func aTouchKeepsOnlyItsOwnSocketOpen() async throws {
        let hub = VisitorHub(events: LocalEventBus(), signals: LocalSignalBus(), idleTimeout: .seconds(1))
        let (quiet, quietSink) = Self.connect(hub, "quiet")
        let (busy, _) = Self.connect(hub, "busy")
        try await Task.sleep(for: .milliseconds(600))
        busy.touch()
        // Half a second on: the quiet socket has been silent for over a second, the busy one for about half.
        #expect(hub.closeIdle(now: .now + .milliseconds(500)) == 1)
        await quietSink.wait { $0.isClosed }
        #expect(hub.connectionCount == 1)
        _ = quiet
        busy.finish()
    }

    @Test func aTimeoutTooLongForNanosecondsMeansNeverIdle() {
        let hub = VisitorHub(events: LocalEventBus(), signals: LocalSignalBus(), idleTimeout: .seconds(Int64.max))
        let (socket, _) = Self.connect(hub, "patient")
        #expect(hub.closeIdle(now: .now + .seconds(86_400 * 365)) == 0)
        socket.finish()
    }
}
