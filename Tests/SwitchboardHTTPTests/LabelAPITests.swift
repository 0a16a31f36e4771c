import Foundation
import HTTPTypes
import Testing

@Suite("Label catalogue API")
struct LabelAPITests {
    @Test func adminsAddLabelsThatEveryAgentSees() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let agent = try await api.agentToken(admin: admin)
            let vip = try await api.call(.post, "/api/v1/labels", token: admin,
                                         json: ["name": "VIP", "color": "#D1242F", "description": "Pays well"])
            #expect(vip.status == .created)
            #expect(vip["name"] as? String == "vip", "stored in the canonical form conversations use")
            #expect(vip["color"] as? String == "#d1242f")
            #expect(vip["description"] as? String == "Pays well")
            let bug = try await api.call(.post, "/api/v1/labels", token: admin, json: ["name": "bug"])
            #expect(bug.status == .created)
            #expect(bug["color"] as? String == "#6b7280")
            #expect(bug["description"] as? String == "")
            let list = try await api.call(.get, "/api/v1/labels", token: agent.token)
            #expect(list.status == .ok)
            #expect(list.items.map { $0["name"] as? String } == ["bug", "vip"])
            #expect(list.items.first.map { Set($0.keys) } == ["id", "name", "color", "description"])
        }
    }

    @Test func deleteRemovesTheEntryButNotTheConversationsLabel() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.apiInbox(admin)
            let incoming = try await api.postIncoming(inbox: inbox, externalID: "m1")
            let conversation = incoming["conversation_id"] as? String ?? ""
            _ = try await api.call(.patch, "/api/v1/conversations/\(conversation)", token: admin, json: ["labels": ["refund"]])
            let listed = try await api.call(.get, "/api/v1/labels", token: admin).items
            #expect(listed.map { $0["name"] as? String } == ["refund"], "a conversation's new label joins the catalogue")
            let id = listed.first?["id"] as? String ?? ""
            let deleted = try await api.call(.delete, "/api/v1/labels/\(id)", token: admin)
            #expect(deleted.status == .noContent)
            #expect(try await api.call(.get, "/api/v1/labels", token: admin).items.isEmpty)
            let shown = try await api.call(.get, "/api/v1/conversations/\(conversation)", token: admin)
            #expect(shown["labels"] as? [String] == ["refund"])
            let again = try await api.call(.delete, "/api/v1/labels/\(id)", token: admin)
            #expect(again.status == .notFound)
            #expect(again.errorCode == "not_found")
        }
    }

    @Test func onlyAdminsChangeTheCatalogueAndEveryRouteNeedsAToken() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let agent = try await api.agentToken(admin: admin)
            let created = try await api.call(.post, "/api/v1/labels", token: admin, json: ["name": "vip"])
            let id = created["id"] as? String ?? ""
            for reply in [try await api.call(.post, "/api/v1/labels", token: agent.token, json: ["name": "x"]),
                          try await api.call(.delete, "/api/v1/labels/\(id)", token: agent.token)] {
                #expect(reply.status == .forbidden)
                #expect(reply.errorCode == "forbidden")
            }
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/labels"), (.post, "/api/v1/labels"), (.delete, "/api/v1/labels/\(id)")] {
                let reply = try await api.call(method, path)
                #expect(reply.status == .unauthorized, "\(method) \(path)")
                #expect(reply.errorCode == "unauthorized")
            }
        }
    }

    @Test func badNamesColoursAndDuplicatesAreRefused() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            #expect(try await api.call(.post, "/api/v1/labels", token: admin, json: ["name": "vip"]).status == .created)
            let duplicate = try await api.call(.post, "/api/v1/labels", token: admin, json: ["name": " VIP "])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "already_exists")
            for body in [["name": ""], ["name": "two words"], ["name": String(repeating: "a", count: 65)], ["name": "ok", "color": "red"],
                         ["name": "ok", "color": "#12345"], ["name": "ok", "description": String(repeating: "d", count: 201)], [:]] {
                let reply = try await api.call(.post, "/api/v1/labels", token: admin, json: body)
                #expect(reply.status == .unprocessableContent, "\(body.mapValues { $0.prefix(40) })")
                #expect(reply.errorCode == "validation_failed")
            }
            let malformed = try await api.call(.post, "/api/v1/labels", token: admin, body: "[1,")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "malformed_json")
        }
    }
}
