import Foundation
import HTTPTypes
import Testing

@Suite("Contacts and search API")
struct ContactAPITests {
    @Test func listSearchShowAndMerge() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.apiInbox(admin)
            let ada = try await api.postIncoming(inbox: inbox, externalID: "1", contact: "a", content: "hi",
                                                 extra: ["name": "Ada Lovelace", "email": "ada@example.com"])
            let other = try await api.postIncoming(inbox: inbox, externalID: "2", contact: "b", content: "it's me again",
                                                   extra: ["name": "A. Lovelace", "phone": "+441234"])
            let adaID = ada["contact_id"] as? String ?? ""
            let otherID = other["contact_id"] as? String ?? ""

            #expect(try await api.call(.get, "/api/v1/contacts", token: admin).items.count == 2)
            let found = try await api.call(.get, "/api/v1/contacts?q=ada", token: admin).items
            #expect(found.compactMap { $0["id"] as? String } == [adaID])

            let shown = try await api.call(.get, "/api/v1/contacts/\(adaID)", token: admin)
            #expect(shown["emails"] as? [String] == ["ada@example.com"])
            let identities = shown["identities"] as? [[String: Any]]
            #expect(identities?.first?["channel"] as? String == "api")
            #expect(identities?.first?["external_id"] as? String == "a")

            let merged = try await api.call(.post, "/api/v1/contacts/\(adaID)/merge", token: admin, json: ["other_contact_id": otherID])
            #expect(merged.status == .ok)
            #expect(merged["phones"] as? [String] == ["+441234"])
            #expect((merged["conversations"] as? [Any])?.count == 2)
            #expect(try await api.call(.get, "/api/v1/contacts/\(otherID)", token: admin).status == .notFound)
            let selfMerge = try await api.call(.post, "/api/v1/contacts/\(adaID)/merge", token: admin, json: ["other_contact_id": adaID])
            #expect(selfMerge.status == .conflict)
        }
    }

    @Test func searchFindsAcrossConversationsMessagesAndContacts() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.apiInbox(admin)
            _ = try await api.postIncoming(inbox: inbox, externalID: "1", contact: "a", content: "invoice is wrong", extra: ["name": "Zora"])
            _ = try await api.postIncoming(inbox: inbox, externalID: "2", contact: "b", content: "thanks", extra: ["name": "Yuri"])
            let results = try await api.call(.get, "/api/v1/search?q=invoice", token: admin)
            #expect((results["messages"] as? [Any])?.count == 1)
            #expect((results["conversations"] as? [Any])?.count == 1)
            let byName = try await api.call(.get, "/api/v1/search?q=zora", token: admin)
            #expect((byName["contacts"] as? [[String: Any]])?.first?["name"] as? String == "Zora")
            #expect(try await api.call(.get, "/api/v1/search", token: admin).status == .badRequest)
        }
    }
}
