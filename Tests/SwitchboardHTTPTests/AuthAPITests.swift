import Foundation
import HTTPTypes
import Testing

@Suite("Auth, agents and teams API")
struct AuthAPITests {
    @Test func loginReturnsATokenThatIdentifiesTheAgent() async throws {
        try await TestAPI.run { api in
            let login = try await api.call(.post, "/api/v1/auth/login",
                                           json: ["email": TestAPI.adminEmail, "password": TestAPI.adminPassword])
            #expect(login.status == .ok)
            let agent = login["agent"] as? [String: Any]
            #expect(agent?["role"] as? String == "admin")
            #expect(agent?["password_hash"] == nil)
            let me = try await api.call(.get, "/api/v1/me", token: login["token"] as? String)
            #expect(me.status == .ok)
            #expect(me["email"] as? String == TestAPI.adminEmail)
        }
    }

    @Test func wrongPasswordAndUnknownEmailAreBoth401() async throws {
        try await TestAPI.run { api in
            for body in [["email": TestAPI.adminEmail, "password": "nope nope"], ["email": "who@x.io", "password": "whatever1"]] {
                let reply = try await api.call(.post, "/api/v1/auth/login", json: body)
                #expect(reply.status == .unauthorized)
                #expect(reply.errorCode == "unauthorized")
            }
        }
    }

    @Test func missingOrUnknownTokenIs401() async throws {
        try await TestAPI.run { api in
            #expect(try await api.call(.get, "/api/v1/me").status == .unauthorized)
            let bad = try await api.call(.get, "/api/v1/conversations", token: "not-a-real-token")
            #expect(bad.status == .unauthorized)
            #expect(bad.errorMessage?.isEmpty == false)
            let basic = try await api.call(.get, "/api/v1/me", headers: [.authorization: "Basic abc"])
            #expect(basic.status == .unauthorized)
        }
    }

    @Test func onlyAdminsCreateAgentsTeamsAndInboxes() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let agent = try await api.agentToken(admin: admin)
            let forbidden = [
                try await api.call(.post, "/api/v1/agents", token: agent.token,
                                   json: ["email": "x@y.io", "name": "X", "password": "password1"]),
                try await api.call(.post, "/api/v1/teams", token: agent.token, json: ["name": "T"]),
                try await api.call(.post, "/api/v1/inboxes", token: agent.token, json: ["name": "I", "channel": "api"]),
            ]
            for reply in forbidden {
                #expect(reply.status == .forbidden)
                #expect(reply.errorCode == "forbidden")
            }
            #expect(try await api.call(.get, "/api/v1/agents", token: agent.token).items.count == 2)
        }
    }

    @Test func duplicateAgentEmailIs409() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let body: [String: Any] = ["email": "Dup@x.io", "name": "D", "password": "password1"]
            #expect(try await api.call(.post, "/api/v1/agents", token: admin, json: body).status == .created)
            let again = try await api.call(.post, "/api/v1/agents", token: admin, json: ["email": "dup@X.io", "name": "D", "password": "password1"])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "already_exists")
        }
    }

    @Test func weakPasswordAndBadEmailAre422() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let short = try await api.call(.post, "/api/v1/agents", token: admin, json: ["email": "a@x.io", "name": "A", "password": "short"])
            #expect(short.status == .unprocessableContent)
            let email = try await api.call(.post, "/api/v1/agents", token: admin, json: ["email": "not-an-email", "name": "A", "password": "password1"])
            #expect(email.status == .unprocessableContent)
            #expect(email.errorCode == "validation_failed")
        }
    }

    @Test func teamsHoldKnownAgents() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let agent = try await api.agentToken(admin: admin)
            let team = try await api.call(.post, "/api/v1/teams", token: admin, json: ["name": "Billing", "agent_ids": [agent.id]])
            #expect(team.status == .created)
            #expect(team["agent_ids"] as? [String] == [agent.id])
            let ghost = try await api.call(.post, "/api/v1/teams", token: admin, json: ["name": "Ghosts", "agent_ids": ["nobody"]])
            #expect(ghost.status == .notFound)
            #expect(try await api.call(.get, "/api/v1/teams", token: admin).items.count == 1)
        }
    }
}
