import Foundation
import HTTPTypes
import SwitchboardApp
import Testing

@Suite("Inboxes API")
struct InboxAPITests {
    @Test func apiInboxShowsItsInboundTokenOnce() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let created = try await api.call(.post, "/api/v1/inboxes", token: admin, json: ["name": "Shop", "channel": "api"])
            #expect(created.status == .created)
            #expect((created["inbound_token"] as? String)?.count == 43)
            let listed = try await api.call(.get, "/api/v1/inboxes", token: admin).items
            #expect(listed.count == 1)
            #expect(listed.first?["inbound_token"] == nil)
        }
    }

    @Test func providerInboxGetsWebhookURLAndMaskedSecrets() async throws {
        try await TestAPI.run({ $0.publicURL = "https://help.example.com" }) { api in
            let admin = try await api.login()
            let created = try await api.call(.post, "/api/v1/inboxes", token: admin, json: [
                "name": "WA", "channel": "whatsapp",
                "settings": ["phone_number_id": "123", "access_token": "EAAG-secret-token-1234", "app_secret": "s3cr3t-value-abcd"],
            ])
            #expect(created.status == .created)
            let id = created["id"] as? String ?? ""
            #expect(created["webhook_url"] as? String == "https://help.example.com/api/v1/webhooks/whatsapp/\(id)")
            #expect((created["settings"] as? [String: Any])?["access_token"] as? String == "EAAG-secret-token-1234")
            let listed = try await api.call(.get, "/api/v1/inboxes", token: admin).items.first
            let settings = listed?["settings"] as? [String: Any]
            #expect(settings?["access_token"] as? String == "••••1234")
            #expect(settings?["phone_number_id"] as? String == "123")
        }
    }

    @Test func webChatInboxGetsAnHMACSecret() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let created = try await api.call(.post, "/api/v1/inboxes", token: admin, json: [
                "name": "Site", "channel": "web_chat", "settings": ["greeting": "Hi!", "require_identity_verification": true],
            ])
            #expect(created.status == .created)
            #expect((created["hmac_secret"] as? String)?.count == 43)
        }
    }

    @Test func unknownChannelSettingOrWrongTypeIs422() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let unknownChannel = try await api.call(.post, "/api/v1/inboxes", token: admin, json: ["name": "X", "channel": "fax"])
            #expect(unknownChannel.status == .unprocessableContent)
            let unknownKey = try await api.call(.post, "/api/v1/inboxes", token: admin,
                                                json: ["name": "X", "channel": "telegram", "settings": ["bot": "x"]])
            #expect(unknownKey.status == .unprocessableContent)
            #expect(unknownKey.errorMessage?.contains("bot") == true)
            let wrongType = try await api.call(.post, "/api/v1/inboxes", token: admin,
                                               json: ["name": "X", "channel": "email", "settings": ["smtp_port": "25"]])
            #expect(wrongType.status == .unprocessableContent)
            let emptyName = try await api.call(.post, "/api/v1/inboxes", token: admin, json: ["name": "  ", "channel": "api"])
            #expect(emptyName.status == .unprocessableContent)
        }
    }
}
