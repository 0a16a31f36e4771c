import Foundation
import SwitchboardCore
import Testing

/// A message event's stored payload is written by hand; it must read back as the same value and say
/// what `JSONEncoder` says, or the event log (and every replay from it) would change.
@Suite("Stored event payloads")
struct StoredEventPayloadTests {
    static let texts = ["plain", "", "quote \" backslash \\ slash /", "lines\nand\r\ttabs", "controls \u{01}\u{1F}\u{7F}",
                        "émoji 👋🏽 中文 \u{2028}"]
    static let dates = [Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSince1970: 1_764_574_999.123),
                        Date(timeIntervalSince1970: 1_764_574_999), Date(timeIntervalSince1970: -0.5),
                        Date(timeIntervalSince1970: 4_102_444_800.000_001)]

    static func messages() -> [Message] {
        texts.enumerated().flatMap { index, text in
            dates.map { date in
                Message(id: .generate(), workspaceID: Workspace.defaultID, conversationID: .generate(),
                        direction: index.isMultiple(of: 2) ? .incoming : .outgoing,
                        sender: index.isMultiple(of: 3) ? MessageSender(kind: .system, id: nil) : .contact(ContactID(text)),
                        isPrivate: index.isMultiple(of: 2), content: text,
                        attachments: index.isMultiple(of: 2) ? [] : [Attachment(id: .generate(), digest: "ab12", contentType: "image/png",
                                                                              size: index * 1000, filename: text)],
                        status: .delivered, externalID: index.isMultiple(of: 3) ? nil : "visitor:\(text)/c-\(index)", createdAt: date)
            }
        }
    }

    @Test func aMessagePayloadReadsBackAsTheSameValue() throws {
        for message in Self.messages() {
            let payload = EventPayload.message(message)
            let stored = try payload.storedJSON()
            #expect(try JSONDecoder().decode(EventPayload.self, from: Data(stored.utf8)) == payload, "\(stored)")
        }
    }

    @Test func aMessagePayloadSaysWhatTheEncoderSays() throws {
        for message in Self.messages() {
            let payload = EventPayload.message(message)
            let mine = try JSONSerialization.jsonObject(with: Data(try payload.storedJSON().utf8)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(payload)) as? NSDictionary
            #expect(mine != nil && mine == theirs)
        }
    }

    @Test func otherPayloadsGoThroughTheEncoder() throws {
        let contact = EventPayload.contact(ContactName(id: ContactID("c-1"), name: "Grace \"G\" Hopper"))
        #expect(try JSONDecoder().decode(EventPayload.self, from: Data(try contact.storedJSON().utf8)) == contact)
    }
}
