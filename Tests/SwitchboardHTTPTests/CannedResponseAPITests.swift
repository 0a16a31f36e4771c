import Foundation
import HTTPTypes
import Testing

@Suite("Canned responses API")
struct CannedResponseAPITests {
    @Test func adminsSaveRepliesThatEveryAgentFinds() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let agent = try await api.agentToken(admin: admin)
            let created = try await api.call(.post, "/api/v1/canned_responses", token: admin,
                                             json: ["short_code": "refund", "content": "Your refund is on its way."])
            #expect(created.status == .created)
            #expect(created["short_code"] as? String == "refund")
            #expect(created["content"] as? String == "Your refund is on its way.")
            #expect((created["id"] as? String)?.isEmpty == false)
            #expect(created["created_at"] is String)
            _ = try await api.call(.post, "/api/v1/canned_responses", token: admin, json: ["short_code": "hello", "content": "Hi there"])

            let all = try await api.call(.get, "/api/v1/canned_responses", token: agent.token)
            #expect(all.status == .ok)
            #expect(all.items.map { $0["short_code"] as? String } == ["hello", "refund"])
            #expect(all.json["next_cursor"] is NSNull)
            let byPrefix = try await api.call(.get, "/api/v1/canned_responses?q=REF", token: agent.token)
            #expect(byPrefix.items.map { $0["short_code"] as? String } == ["refund"])
            let byContent = try await api.call(.get, "/api/v1/canned_responses?q=there", token: agent.token)
            #expect(byContent.items.map { $0["short_code"] as? String } == ["hello"])
        }
    }

    @Test func patchChangesGivenFieldsAndDeleteRemoves() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let created = try await api.call(.post, "/api/v1/canned_responses", token: admin, json: ["short_code": "a", "content": "One"])
            let id = created["id"] as? String ?? ""
            let patched = try await api.call(.patch, "/api/v1/canned_responses/\(id)", token: admin, json: ["content": "Two"])
            #expect(patched.status == .ok)
            #expect(patched["short_code"] as? String == "a")
            #expect(patched["content"] as? String == "Two")
            let deleted = try await api.call(.delete, "/api/v1/canned_responses/\(id)", token: admin)
            #expect(deleted.status == .noContent)
            #expect(deleted.text.isEmpty)
            #expect(try await api.call(.get, "/api/v1/canned_responses", token: admin).items.isEmpty)
            for reply in [try await api.call(.delete, "/api/v1/canned_responses/\(id)", token: admin),
                          try await api.call(.patch, "/api/v1/canned_responses/\(id)", token: admin, json: ["content": "Three"])] {
                #expect(reply.status == .notFound)
                #expect(reply.errorCode == "not_found")
            }
        }
    }

    @Test func onlyAdminsChangeThemAndEveryRouteNeedsAToken() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let agent = try await api.agentToken(admin: admin)
            let created = try await api.call(.post, "/api/v1/canned_responses", token: admin, json: ["short_code": "a", "content": "One"])
            let id = created["id"] as? String ?? ""
            let forbidden = [
                try await api.call(.post, "/api/v1/canned_responses", token: agent.token, json: ["short_code": "b", "content": "Two"]),
                try await api.call(.patch, "/api/v1/canned_responses/\(id)", token: agent.token, json: ["content": "Two"]),
                try await api.call(.delete, "/api/v1/canned_responses/\(id)", token: agent.token),
            ]
            for reply in forbidden {
                #expect(reply.status == .forbidden)
                #expect(reply.errorCode == "forbidden")
            }
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/canned_responses"), (.post, "/api/v1/canned_responses"),
                                   (.patch, "/api/v1/canned_responses/\(id)"), (.delete, "/api/v1/canned_responses/\(id)")] {
                let reply = try await api.call(method, path)
                #expect(reply.status == .unauthorized, "\(method) \(path)")
                #expect(reply.errorCode == "unauthorized")
            }
            #expect(try await api.call(.get, "/api/v1/canned_responses", token: admin).items.count == 1)
        }
    }

    @Test func badShortCodesContentAndDuplicatesAreRefused() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            #expect(try await api.call(.post, "/api/v1/canned_responses", token: admin,
                                       json: ["short_code": "dup", "content": "x"]).status == .created)
            let duplicate = try await api.call(.post, "/api/v1/canned_responses", token: admin, json: ["short_code": "dup", "content": "y"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "already_exists")
            for body in [["short_code": "Big", "content": "x"], ["short_code": "", "content": "x"],
                         ["short_code": String(repeating: "a", count: 33), "content": "x"], ["short_code": "sp ace", "content": "x"],
                         ["short_code": "ok", "content": "  "], ["short_code": "ok", "content": String(repeating: "a", count: 10_001)],
                         ["short_code": "ok"]] {
                let reply = try await api.call(.post, "/api/v1/canned_responses", token: admin, json: body)
                #expect(reply.status == .unprocessableContent, "\(body.mapValues { $0.prefix(40) })")
                #expect(reply.errorCode == "validation_failed")
            }
            let malformed = try await api.call(.post, "/api/v1/canned_responses", token: admin, body: "{not json")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "malformed_json")
            let other = try await api.call(.post, "/api/v1/canned_responses", token: admin, json: ["short_code": "other", "content": "z"])
            let renamed = try await api.call(.patch, "/api/v1/canned_responses/\(other["id"] as? String ?? "")", token: admin,
                                             json: ["short_code": "dup"])
            #expect(renamed.status == .conflict)
            #expect(renamed.errorCode == "already_exists")
        }
    }
}
