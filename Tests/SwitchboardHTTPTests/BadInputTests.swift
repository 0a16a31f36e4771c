import Foundation
import HTTPTypes
import SwitchboardApp
import Testing

/// Every class of bad input gets a 4xx with the JSON error body, never a 500.
@Suite("Bad input")
struct BadInputTests {
    @Test func malformedJSONIs400() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            for body in ["{not json", "", "[1,2", "\u{0}"] {
                let reply = try await api.call(.post, "/api/v1/inboxes", token: admin, body: body)
                #expect(reply.status == .badRequest, "body \(body.debugDescription): \(reply.text)")
                #expect(reply.errorCode == "malformed_json")
                #expect(reply.errorMessage?.isEmpty == false)
            }
        }
    }

    @Test func wrongTypesAndMissingFieldsAre422NamingTheField() async throws {
        try await TestAPI.run { api in
            let wrongType = try await api.call(.post, "/api/v1/auth/login", json: ["email": 42, "password": "x"])
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.errorMessage?.contains("email") == true)
            let missing = try await api.call(.post, "/api/v1/auth/login", json: ["email": "a@b.io"])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorMessage?.contains("password") == true)
            let notObject = try await api.call(.post, "/api/v1/auth/login", body: "[]")
            #expect(notObject.status == .unprocessableContent)
        }
    }

    @Test func unknownIdsAre404() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            for uri in ["/api/v1/conversations/nope", "/api/v1/conversations/nope/messages", "/api/v1/contacts/nope"] {
                let reply = try await api.call(.get, uri, token: admin)
                #expect(reply.status == .notFound, "\(uri)")
                #expect(reply.errorCode == "not_found")
            }
            let reply = try await api.call(.post, "/api/v1/conversations/nope/messages", token: admin, json: ["content": "x"])
            #expect(reply.status == .notFound)
            #expect(try await api.call(.get, "/api/v1/no/such/route").errorCode == "not_found")
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await TestAPI.run({ $0.bodyLimit = 4096 }) { api in
            let admin = try await api.login()
            let big = String(repeating: "x", count: 5000)
            let reply = try await api.call(.post, "/api/v1/inboxes", token: admin, json: ["name": big, "channel": "api"])
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorCode == "payload_too_large")
        }
    }

    @Test func invalidCursorsAndLimitsAre400() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            for query in ["cursor=garbage", "cursor=eyJpZCI6IiJ9", "limit=0", "limit=101", "limit=ten", "status=closed", "channel=fax"] {
                let reply = try await api.call(.get, "/api/v1/conversations?\(query)", token: admin)
                #expect(reply.status == .badRequest, "\(query): \(reply.text)")
                #expect(reply.errorCode != nil)
            }
            #expect(try await api.call(.get, "/api/v1/contacts?cursor=%%%", token: admin).status == .badRequest)
        }
    }

    @Test func attachmentsAreRefusedClearlyUntilSupported() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.apiInbox(admin)
            let conversation = try await api.postIncoming(inbox: inbox, externalID: "1")["conversation_id"] as? String ?? ""
            let reply = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                           json: ["content": "see file", "attachments": [["url": "x"]]])
            #expect(reply.status == .unprocessableContent)
        }
    }
}
