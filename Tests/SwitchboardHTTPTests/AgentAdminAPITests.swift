import Foundation
import HTTPTypes
import Testing

@Suite("Agent changes and sign-out API")
struct AgentAdminAPITests {
    @Test func adminsRenameAgentsAndChangeRoles() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let agent = try await api.agentToken(admin: admin)
            let promoted = try await api.call(.patch, "/api/v1/agents/\(agent.id)", token: admin, json: ["name": " Bo ", "role": "admin"])
            #expect(promoted.status == .ok)
            #expect(promoted["name"] as? String == "Bo")
            #expect(promoted["role"] as? String == "admin")
            #expect(promoted["email"] as? String == "agent@example.com")
            #expect(promoted["password_hash"] == nil)
            let listed = try await api.call(.get, "/api/v1/agents", token: admin).items.first { $0["id"] as? String == agent.id }
            #expect(listed?["name"] as? String == "Bo")
            // The agent's own token carries the new role at once.
            #expect(try await api.call(.get, "/api/v1/me", token: agent.token)["role"] as? String == "admin")
        }
    }

    @Test func theLastAdminCannotBeDemoted() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let me = try await api.call(.get, "/api/v1/me", token: admin)["id"] as? String ?? ""
            let refused = try await api.call(.patch, "/api/v1/agents/\(me)", token: admin, json: ["role": "agent"])
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "conflict")
            #expect(refused.errorMessage?.contains("at least one admin") == true)
            let other = try await api.agentToken(admin: admin)
            _ = try await api.call(.patch, "/api/v1/agents/\(other.id)", token: admin, json: ["role": "admin"])
            let demoted = try await api.call(.patch, "/api/v1/agents/\(me)", token: admin, json: ["role": "agent"])
            #expect(demoted.status == .ok)
            #expect(demoted["role"] as? String == "agent")
        }
    }

    @Test func onlyAdminsChangeAgentsAndBadInputIsRefused() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let agent = try await api.agentToken(admin: admin)
            let forbidden = try await api.call(.patch, "/api/v1/agents/\(agent.id)", token: agent.token, json: ["role": "admin"])
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.errorCode == "forbidden")
            let anonymous = try await api.call(.patch, "/api/v1/agents/\(agent.id)", json: ["name": "X"])
            #expect(anonymous.status == .unauthorized)
            let unknown = try await api.call(.patch, "/api/v1/agents/nobody", token: admin, json: ["name": "X"])
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "not_found")
            for body in [["role": "owner"], ["name": "   "], ["name": 42]] as [[String: Any]] {
                let reply = try await api.call(.patch, "/api/v1/agents/\(agent.id)", token: admin, json: body)
                #expect(reply.status == .unprocessableContent)
                #expect(reply.errorCode == "validation_failed")
            }
            let malformed = try await api.call(.patch, "/api/v1/agents/\(agent.id)", token: admin, body: "nope")
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func logoutRevokesOnlyTheTokenUsed() async throws {
        try await TestAPI.run { api in
            let first = try await api.login()
            let second = try await api.login()
            let out = try await api.call(.post, "/api/v1/auth/logout", token: first)
            #expect(out.status == .noContent)
            #expect(out.text.isEmpty)
            let after = try await api.call(.get, "/api/v1/me", token: first)
            #expect(after.status == .unauthorized)
            #expect(after.errorCode == "unauthorized")
            #expect(try await api.call(.post, "/api/v1/auth/logout", token: first).status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/me", token: second).status == .ok)
            #expect(try await api.call(.post, "/api/v1/auth/logout").status == .unauthorized)
        }
    }
}
