import Foundation
import HTTPTypes
import Testing

/// An api inbox with a callback_url: its replies are queued for delivery, and only a failed one can be
/// retried (the delivery itself is tested in SwitchboardChannelsTests against a real endpoint).
@Suite("Reply delivery API")
struct DeliveryRetryAPITests {
    @Test func callbackInboxQueuesRepliesAndRefusesToRetryOneThatDidNotFail() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let created = try await api.call(.post, "/api/v1/inboxes", token: admin, json: [
                "name": "Shop", "channel": "api", "settings": ["callback_url": "https://shop.example.com/switchboard"],
            ])
            #expect(created.status == .created)
            let settings = created["settings"] as? [String: Any]
            #expect((settings?["callback_secret"] as? String)?.count == 43, "shown once, at creation")
            let listed = try await api.call(.get, "/api/v1/inboxes", token: admin).items.first?["settings"] as? [String: Any]
            #expect((listed?["callback_secret"] as? String)?.hasPrefix("••••") == true)
            #expect(listed?["callback_url"] as? String == "https://shop.example.com/switchboard")

            let inbox = (id: created["id"] as? String ?? "", inboundToken: created["inbound_token"] as? String ?? "")
            let conversation = try await api.postIncoming(inbox: inbox, externalID: "m1")["conversation_id"] as? String ?? ""
            let reply = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                           json: ["content": "It ships today"])
            #expect(reply["status"] as? String == "queued")
            let note = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                          json: ["content": "VIP", "private": true])
            #expect(note["status"] as? String == "sent")

            let retry = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages/\(reply["id"] as? String ?? "")/retry",
                                           token: admin)
            #expect(retry.status == .conflict && retry.errorCode == "conflict")
            #expect(retry.errorMessage?.contains("queued") == true)
            let unknown = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages/nope/retry", token: admin)
            #expect(unknown.status == .notFound && unknown.errorCode == "not_found")
            let anonymous = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages/nope/retry")
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func aCallbackURLMustBeAWebAddress() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let created = try await api.call(.post, "/api/v1/inboxes", token: admin, json: [
                "name": "Shop", "channel": "api", "settings": ["callback_url": "file:///etc/passwd"],
            ])
            #expect(created.status == .unprocessableContent && created.errorCode == "validation_failed")
        }
    }
}
