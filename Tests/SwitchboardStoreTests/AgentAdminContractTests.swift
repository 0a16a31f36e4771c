import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("Agent changes, token revocation and first-run setup contract")
struct AgentAdminContractTests {
    @Test(arguments: TestBackend.enabled)
    func updateRenamesAndChangesRolesButKeepsAnAdmin(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let boss = try await store.agent("boss@x.io", role: .admin)
        let bo = try await store.agent("bo@x.io")
        let renamed = try await store.updateAgent(bo.id, name: "Bo Peep", role: nil)
        #expect(renamed.name == "Bo Peep" && renamed.role == .agent && renamed.email == bo.email)
        await #expect(throws: StorageError.lastAdmin) { try await store.updateAgent(boss.id, name: nil, role: .agent) }
        #expect(try await store.updateAgent(boss.id, name: nil, role: .admin).role == .admin, "an admin staying admin is fine")
        _ = try await store.updateAgent(bo.id, name: nil, role: .admin)
        #expect(try await store.updateAgent(boss.id, name: nil, role: .agent).role == .agent)
        #expect(try await store.agent(boss.id)?.role == .agent)
        await #expect(throws: StorageError.notFound("agent")) { try await store.updateAgent(AgentID("ghost"), name: "G", role: .agent) }
    }

    @Test(arguments: TestBackend.enabled)
    func adminsDemotingEachOtherAtOnceLeaveOneAdmin(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let admins = [try await store.agent("a@x.io", role: .admin), try await store.agent("b@x.io", role: .admin),
                      try await store.agent("c@x.io", role: .admin)]
        let outcomes = await withTaskGroup(of: Result<Agent, any Error>.self) { group in
            for admin in admins {
                group.addTask { await outcome { try await store.updateAgent(admin.id, name: nil, role: .agent) } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { (try? $0.get()) != nil }.count == 2)
        #expect(outcomes.compactMap(Self.storageError) == [.lastAdmin])
        #expect(try await store.agents().filter(\.isAdmin).count == 1)
    }

    @Test(arguments: TestBackend.enabled)
    func aRevokedTokenNoLongerFindsItsAgent(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let agent = try await store.agent("a@x.io")
        try await store.addToken(digest: "d1", for: agent.id)
        try await store.addToken(digest: "d2", for: agent.id)
        #expect(try await storage.workspace(WorkspaceID("other")).revokeToken(digest: "d1") == false)
        #expect(try await store.revokeToken(digest: "d1"))
        #expect(try await storage.directory.agent(tokenDigest: "d1") == nil)
        #expect(try await storage.directory.agent(tokenDigest: "d2") == agent, "other sessions stay signed in")
        #expect(try await store.revokeToken(digest: "d1") == false)
    }

    @Test(arguments: TestBackend.enabled)
    func firstAdminIsCreatedOnceWithAToken(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let first = NewAgent(email: "Root@x.io", name: "Root", role: .admin, passwordHash: "hash")
        let admin = try await storage.directory.createFirstAdmin(first, in: Workspace.defaultID, tokenDigest: "t1")
        #expect(admin.role == .admin && admin.email == "Root@x.io" && admin.workspaceID == Workspace.defaultID)
        #expect(try await storage.directory.agent(tokenDigest: "t1") == admin)
        #expect(try await storage.directory.credentials(email: "root@x.io")?.passwordHash == "hash")
        await #expect(throws: StorageError.alreadySetUp) {
            try await storage.directory.createFirstAdmin(NewAgent(email: "other@x.io", name: "O", role: .admin, passwordHash: "h"),
                                                         in: Workspace.defaultID, tokenDigest: "t2")
        }
        #expect(try await storage.directory.agent(tokenDigest: "t2") == nil)
    }

    @Test(arguments: TestBackend.enabled)
    func concurrentSetupsCreateExactlyOneAdmin(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let outcomes = await withTaskGroup(of: Result<Agent, any Error>.self) { group in
            for index in 0..<8 {
                group.addTask {
                    await outcome {
                        try await storage.directory.createFirstAdmin(
                            NewAgent(email: "admin\(index)@x.io", name: "Admin \(index)", role: .admin, passwordHash: "h"),
                            in: Workspace.defaultID, tokenDigest: "setup-\(index)")
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1)
        let refusals = outcomes.compactMap(Self.storageError)
        #expect(refusals == Array(repeating: .alreadySetUp, count: 7))
        #expect(try await storage.workspace(Workspace.defaultID).agents().count == 1)
    }
}

extension AgentAdminContractTests {
    static func storageError(_ outcome: Result<Agent, any Error>) -> StorageError? {
        guard case .failure(let error) = outcome else { return nil }
        return error as? StorageError
    }
}

/// What an async throwing call came to, so racing calls can be compared afterwards.
private func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
