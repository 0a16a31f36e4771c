import Foundation
@testable import SwitchboardHTTP
import SwitchboardCore
import Testing

/// The frames written by hand (``JSONText``) must say exactly what their `Encodable` conformances say
/// through `JSONEncoder`, which the rest of the API uses.
@Suite("Hand-written frames")
struct HandWrittenFrameTests {
    static let awkwardTexts = [
        "plain", "", "quote \" and backslash \\ and slash /", "lines\nand\r\ttabs", "controls \u{01}\u{08}\u{0C}\u{1F}\u{7F}",
        "émoji 👋🏽 and 中文 and \u{2028}", "<script>alert(1)</script>",
    ]
    static let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_764_574_999.999),
                        Date(timeIntervalSince1970: 4_102_444_800.5), Date(timeIntervalSince1970: -86_400.25)]

    static func message(_ content: String, date: Date, agent: Bool, attachments: [SwitchboardCore.Attachment] = []) -> Message {
        Message(id: .generate(), workspaceID: Workspace.defaultID, conversationID: .generate(),
                direction: agent ? .outgoing : .incoming, sender: agent ? .agent(AgentID("a-1")) : MessageSender(kind: .system, id: nil),
                isPrivate: false, content: content, attachments: attachments, status: .sent,
                externalID: nil, createdAt: date)
    }

    /// A `message.created` event carrying `message`.
    static func event(_ message: Message, sequence: Int64) -> DomainEvent {
        DomainEvent(sequence: sequence, workspaceID: Workspace.defaultID, kind: .messageCreated,
                    inboxID: InboxID("i-1"), conversationID: message.conversationID, contactID: ContactID("c-1"),
                    subjectID: message.id.rawValue, occurredAt: Date(), payload: .message(message))
    }

    static let attachment = SwitchboardCore.Attachment(id: AttachmentID("f-1"), digest: "abc",
                                                       contentType: "application/pdf", size: 12_345, filename: "re\"port \\ ü.pdf")

    /// Both texts parsed: key order and the escaping of `/` may differ, the values may not.
    static func expectSameJSON(_ handWritten: String, _ encoded: Data) throws {
        let mine = try JSONSerialization.jsonObject(with: Data(handWritten.utf8)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(mine != nil && mine == theirs, "\(handWritten)\nvs\n\(String(decoding: encoded, as: UTF8.self))")
    }

    @Test func visitorFramesMatchTheEncoder() throws {
        for (index, text) in Self.awkwardTexts.enumerated() {
            let date = Self.dates[index % Self.dates.count]
            let attachments = index.isMultiple(of: 2) ? [Self.attachment] : []
            let message = VisitorMessage(Self.message(text, date: date, agent: index.isMultiple(of: 3), attachments: attachments),
                                         senderName: index.isMultiple(of: 2) ? text : nil, clientID: index.isMultiple(of: 2) ? nil : text)
            let frames: [VisitorFrame] = [
                .hello(contactID: "c-1", conversationID: index.isMultiple(of: 2) ? nil : "v-1", messages: [message, message],
                       agentsOnline: index.isMultiple(of: 2)),
                .ack(clientID: text, messageID: "m-1", conversationID: "v-1", createdAt: date),
                .message(message), .typing(true), .typing(false), .presence(agentsOnline: true),
                .error(code: "rate_limited", message: text, clientID: index.isMultiple(of: 2) ? nil : text),
            ]
            for frame in frames { try Self.expectSameJSON(frame.text(), try RealtimeFrame.encoder.encode(frame)) }
        }
    }

    @Test func agentMessageFramesMatchTheEncoder() throws {
        for (index, text) in Self.awkwardTexts.enumerated() {
            let message = Self.message(text, date: Self.dates[index % Self.dates.count], agent: index.isMultiple(of: 2),
                                       attachments: index.isMultiple(of: 3) ? [Self.attachment, Self.attachment] : [])
            let frame = RealtimeFrame(Self.event(message, sequence: Int64(index + 1)))
            try Self.expectSameJSON(try frame.text(), try RealtimeFrame.encoder.encode(frame))
        }
    }

    @Test func datesAreWrittenLikeISO8601DateFormatter() {
        let formatter = ISO8601DateFormatter()
        for date in Self.dates + [Date(timeIntervalSince1970: 951_782_400)] {  // 2000-02-29
            #expect(JSONText.iso8601(date) == formatter.string(from: date))
        }
    }
}
