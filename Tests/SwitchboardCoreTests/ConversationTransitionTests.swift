import Foundation
import SwitchboardCore
import Testing

@Suite("Conversation rules")
struct ConversationTransitionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let later = now.addingTimeInterval(3600)
    static let earlier = now.addingTimeInterval(-60)

    static func conversation(_ status: ConversationStatus, snoozedUntil: Date? = nil) -> Conversation {
        Conversation(id: ConversationID("c"), workspaceID: Workspace.defaultID, number: 1, inboxID: InboxID("i"),
                     channel: .api, contactID: ContactID("k"), status: status, snoozedUntil: snoozedUntil,
                     createdAt: now.addingTimeInterval(-600), lastActivityAt: now.addingTimeInterval(-600))
    }

    struct Case: Sendable, CustomStringConvertible {
        let from: ConversationStatus
        let change: ConversationChange
        let expected: Result<ConversationStatus, ConversationRuleViolation>
        var description: String { "\(from) + \(change.status.map(\.rawValue) ?? "-") -> \(expected)" }
    }

    static let cases: [Case] = [
        Case(from: .open, change: .init(status: .pending), expected: .success(.pending)),
        Case(from: .open, change: .init(status: .resolved), expected: .success(.resolved)),
        Case(from: .open, change: .init(status: .snoozed, snoozedUntil: later), expected: .success(.snoozed)),
        Case(from: .open, change: .init(status: .snoozed), expected: .failure(.snoozeNeedsFutureTime)),
        Case(from: .open, change: .init(status: .snoozed, snoozedUntil: earlier), expected: .failure(.snoozeNeedsFutureTime)),
        Case(from: .open, change: .init(status: .open, snoozedUntil: later), expected: .failure(.snoozeTimeWithoutSnooze)),
        Case(from: .open, change: .init(snoozedUntil: later), expected: .failure(.snoozeTimeWithoutSnooze)),
        Case(from: .snoozed, change: .init(snoozedUntil: later), expected: .success(.snoozed)),
        Case(from: .snoozed, change: .init(status: .open), expected: .success(.open)),
        Case(from: .resolved, change: .init(status: .open), expected: .success(.open)),
        Case(from: .pending, change: .init(status: .resolved), expected: .success(.resolved)),
        Case(from: .open, change: .init(labels: ["ok", "not ok"]), expected: .failure(.invalidLabel("not ok"))),
    ]

    @Test(arguments: cases)
    func transitions(_ testCase: Case) {
        let start = Self.conversation(testCase.from, snoozedUntil: testCase.from == .snoozed ? Self.later : nil)
        let outcome = Result { () throws(ConversationRuleViolation) in try start.applying(testCase.change, now: Self.now) }
        switch (outcome, testCase.expected) {
        case (.success(let next), .success(let status)):
            #expect(next.status == status)
            #expect(next.lastActivityAt == (next == start ? start.lastActivityAt : Self.now))
            #expect((next.snoozedUntil != nil) == (status == .snoozed))
            #expect((next.resolvedAt != nil) == (status == .resolved))
        case (.failure(let error), .failure(let expected)):
            #expect(error == expected)
        default:
            Issue.record("got \(outcome), expected \(testCase.expected)")
        }
    }

    @Test func unchangedEditKeepsActivityTime() throws {
        let start = Self.conversation(.open)
        #expect(try start.applying(ConversationChange(status: .open), now: Self.now) == start)
    }

    @Test func labelsAreNormalisedAndDeduplicated() throws {
        let next = try Self.conversation(.open).applying(ConversationChange(labels: [" VIP ", "vip", "billing:eu"]), now: Self.now)
        #expect(next.labels == ["vip", "billing:eu"])
    }

    @Test func customerMessageReopensSnoozedAndCountsUnread() {
        let start = Self.conversation(.snoozed, snoozedUntil: Self.later)
        let message = Message(id: MessageID("m"), workspaceID: Workspace.defaultID, conversationID: start.id,
                              direction: .incoming, sender: .contact(start.contactID), isPrivate: false,
                              content: String(repeating: "x", count: 500), status: .delivered, externalID: "e",
                              createdAt: Self.now)
        let next = start.receiving(message)
        #expect(next.status == .open)
        #expect(next.snoozedUntil == nil)
        #expect(next.unreadCount == 1)
        #expect(next.waitingSince == Self.now)
        #expect(next.lastMessage?.content.count == MessagePreview.maxLength)
    }

    @Test func privateNoteIsNotAResponse() {
        let start = Self.conversation(.open).receiving(Message(
            id: MessageID("m1"), workspaceID: Workspace.defaultID, conversationID: ConversationID("c"), direction: .incoming,
            sender: .contact(ContactID("k")), isPrivate: false, content: "help", status: .delivered, externalID: "e",
            createdAt: Self.now))
        func outgoing(_ isPrivate: Bool) -> Message {
            Message(id: MessageID("m2"), workspaceID: Workspace.defaultID, conversationID: start.id, direction: .outgoing,
                    sender: .agent(AgentID("a")), isPrivate: isPrivate, content: "x", status: .sent, externalID: nil,
                    createdAt: Self.later)
        }
        let noted = start.sending(outgoing(true))
        #expect(noted.firstResponseAt == nil)
        #expect(noted.waitingSince == Self.now)
        #expect(noted.lastMessage?.content == "help")
        let answered = start.sending(outgoing(false))
        #expect(answered.firstResponseAt == Self.later)
        #expect(answered.waitingSince == nil)
        #expect(answered.unreadCount == 0)
    }
}
