import Foundation
import HTTPTypes
import Testing

@Suite("Generic inbound API")
struct IncomingAPITests {
    @Test func newMessageIs201AndRedeliveryIs200WithTheSameIds() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.apiInbox(admin)
            let first = try await api.postIncoming(inbox: inbox, externalID: "msg-1", content: "Where is my order?")
            #expect(first.status == .created)
            let again = try await api.postIncoming(inbox: inbox, externalID: "msg-1", content: "Where is my order?")
            #expect(again.status == .ok)
            for key in ["conversation_id", "message_id", "contact_id"] {
                #expect(again[key] as? String == first[key] as? String)
                #expect((first[key] as? String)?.isEmpty == false)
            }
            let conversation = first["conversation_id"] as? String ?? ""
            let messages = try await api.call(.get, "/api/v1/conversations/\(conversation)/messages", token: admin)
            #expect(messages.items.count == 1)
        }
    }

    @Test func concurrentRedeliveriesCreateOneMessage() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.apiInbox(admin)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 { group.addTask { try await api.postIncoming(inbox: inbox, externalID: "dup").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .ok }.count == 9)
            let list = try await api.call(.get, "/api/v1/conversations", token: admin)
            #expect(list.items.count == 1)
            #expect(list.items.first?["unread_count"] as? Int == 1)
        }
    }

    @Test func wrongOrMissingInboxTokenIs401() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.apiInbox(admin)
            let wrong = try await api.postIncoming(inbox: (inbox.id, "wrong-token"), externalID: "m1")
            #expect(wrong.status == .unauthorized)
            let missing = try await api.call(.post, "/api/v1/inboxes/\(inbox.id)/incoming",
                                             json: ["external_id": "m1", "contact": ["external_id": "c"], "content": "x"])
            #expect(missing.status == .unauthorized)
            // An agent token is not an inbox token.
            let agentToken = try await api.postIncoming(inbox: (inbox.id, admin), externalID: "m1")
            #expect(agentToken.status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/conversations", token: admin).items.isEmpty)
        }
    }

    @Test func unknownInboxIs404() async throws {
        try await TestAPI.run { api in
            let reply = try await api.postIncoming(inbox: ("01NOSUCHINBOX", "token"), externalID: "m1")
            #expect(reply.status == .notFound)
            #expect(reply.errorCode == "not_found")
        }
    }

    @Test func missingFieldsAndEmptyContentAre422() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.apiInbox(admin)
            let header: HTTPFields = [HTTPField.Name("X-Inbox-Token")!: inbox.inboundToken]
            let uri = "/api/v1/inboxes/\(inbox.id)/incoming"
            let noContact = try await api.call(.post, uri, json: ["external_id": "m1", "content": "x"], headers: header)
            #expect(noContact.status == .unprocessableContent)
            #expect(noContact.errorMessage?.contains("contact") == true)
            let noContactID = try await api.call(.post, uri, json: ["external_id": "m1", "contact": ["name": "A"], "content": "x"], headers: header)
            #expect(noContactID.errorMessage?.contains("contact.external_id") == true)
            let empty = try await api.postIncoming(inbox: inbox, externalID: "m1", content: "   ")
            #expect(empty.status == .unprocessableContent)
            let badEmail = try await api.postIncoming(inbox: inbox, externalID: "m2", extra: ["email": "nope"])
            #expect(badEmail.status == .unprocessableContent)
            let badTime = try await api.call(.post, uri, json: ["external_id": "m3", "contact": ["external_id": "c"], "content": "x",
                                                                "sent_at": "yesterday"], headers: header)
            #expect(badTime.status == .unprocessableContent)
        }
    }

    @Test func sameEmailFromAnotherInboxJoinsTheSameContact() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let shop = try await api.apiInbox(admin, name: "Shop")
            let app = try await api.apiInbox(admin, name: "App")
            let one = try await api.postIncoming(inbox: shop, externalID: "a", contact: "shop-1", extra: ["email": "ada@example.com", "name": "Ada"])
            let two = try await api.postIncoming(inbox: app, externalID: "b", contact: "app-9", extra: ["email": "ADA@example.com"])
            #expect(one["contact_id"] as? String == two["contact_id"] as? String)
            #expect(one["conversation_id"] as? String != two["conversation_id"] as? String)
            let contact = try await api.call(.get, "/api/v1/contacts/\(one["contact_id"] as? String ?? "")", token: admin)
            #expect((contact["conversations"] as? [Any])?.count == 2)
            #expect((contact["identities"] as? [Any])?.count == 2)
        }
    }
}
