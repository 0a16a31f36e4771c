import Foundation
import HTTPTypes
import SwitchboardApp
import Testing

@Suite("First-run setup API")
struct SetupAPITests {
    static let owner: [String: String] = ["email": "owner@example.com", "name": "Owner", "password": "first admin 1"]

    @Test func aFreshInstallationCreatesItsFirstAdminOnce() async throws {
        try await TestAPI.run({ $0.initialAdmin = nil }) { api in
            let before = try await api.call(.get, "/api/v1/setup")
            #expect(before.status == .ok)
            #expect(before["needs_setup"] as? Bool == true)

            let setup = try await api.call(.post, "/api/v1/setup", json: Self.owner)
            #expect(setup.status == .created)
            let agent = setup["agent"] as? [String: Any]
            #expect(agent?["role"] as? String == "admin")
            #expect(agent?["email"] as? String == "owner@example.com")
            let token = setup["token"] as? String
            #expect(try await api.call(.get, "/api/v1/me", token: token)["email"] as? String == "owner@example.com")
            #expect(try await api.login("owner@example.com", "first admin 1").isEmpty == false)

            #expect(try await api.call(.get, "/api/v1/setup")["needs_setup"] as? Bool == false)
            let again = try await api.call(.post, "/api/v1/setup",
                                           json: ["email": "intruder@example.com", "name": "I", "password": "let me in 1"])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "conflict")
            #expect(try await api.call(.get, "/api/v1/agents", token: token).items.count == 1)
        }
    }

    @Test func anInstallationWithAnAdminNeedsNoSetup() async throws {
        try await TestAPI.run { api in
            #expect(try await api.call(.get, "/api/v1/setup")["needs_setup"] as? Bool == false)
            let refused = try await api.call(.post, "/api/v1/setup", json: Self.owner)
            #expect(refused.status == .conflict)
            #expect(refused.errorMessage?.isEmpty == false)
        }
    }

    @Test func concurrentSetupsMakeOneAdmin() async throws {
        try await TestAPI.run({ $0.initialAdmin = nil }) { api in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await api.call(.post, "/api/v1/setup",
                                           json: ["email": "admin\(index)@example.com", "name": "A", "password": "password \(index)"]).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 5)
        }
    }

    @Test func badSetupInputIsRefusedAndCreatesNobody() async throws {
        try await TestAPI.run({ $0.initialAdmin = nil }) { api in
            for body in [["email": "not-an-email", "name": "A", "password": "password1"],
                         ["email": "a@example.com", "name": "A", "password": "short"],
                         ["email": "a@example.com", "name": " ", "password": "password1"],
                         ["email": "a@example.com", "password": "password1"]] {
                let reply = try await api.call(.post, "/api/v1/setup", json: body)
                #expect(reply.status == .unprocessableContent)
                #expect(reply.errorCode == "validation_failed")
            }
            let malformed = try await api.call(.post, "/api/v1/setup", body: "{")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "malformed_json")
            #expect(try await api.call(.get, "/api/v1/setup")["needs_setup"] as? Bool == true)
        }
    }
}
