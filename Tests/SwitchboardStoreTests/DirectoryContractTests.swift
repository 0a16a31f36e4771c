import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("Agents, teams, inboxes and the directory contract")
struct DirectoryContractTests {
    @Test(arguments: TestBackend.enabled)
    func agentEmailIsUniqueCaseInsensitively(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        _ = try await store.agent("Ada@Example.com")
        await #expect(throws: StorageError.duplicate("an agent with this email")) {
            try await store.agent("ada@example.com")
        }
    }

    @Test(arguments: TestBackend.enabled)
    func loginFindsCredentialsAndTokensFindAgents(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        #expect(try await storage.directory.hasAdmin() == false)
        let admin = try await store.agent("Boss@x.io", role: .admin)
        #expect(try await storage.directory.hasAdmin())
        #expect(try await storage.directory.credentials(email: " boss@X.io ")?.agent == admin)
        #expect(try await storage.directory.credentials(email: "nobody@x.io") == nil)

        try await store.addToken(digest: "d1", for: admin.id)
        #expect(try await storage.directory.agent(tokenDigest: "d1") == admin)
        #expect(try await storage.directory.agent(tokenDigest: "d2") == nil)
        await #expect(throws: StorageError.notFound("agent")) { try await store.addToken(digest: "d3", for: AgentID("x")) }
    }

    @Test(arguments: TestBackend.enabled)
    func teamsNeedKnownAgentsAndUniqueNames(backend: TestBackend) async throws {
        let store = try backend.makeWorkspace()
        let agent = try await store.agent("a@x.io")
        let team = try await store.createTeam(name: "Tier 1", agentIDs: [agent.id, agent.id])
        #expect(team.agentIDs == [agent.id])
        #expect(try await store.team(team.id) == team)
        await #expect(throws: StorageError.duplicate("a team with this name")) {
            try await store.createTeam(name: "Tier 1", agentIDs: [])
        }
        await #expect(throws: StorageError.notFound("agent ghost")) {
            try await store.createTeam(name: "Tier 2", agentIDs: [AgentID("ghost")])
        }
        #expect(try await store.teams().map(\.name) == ["Tier 1"])
    }

    @Test(arguments: TestBackend.enabled)
    func inboxesRoundTripSettingsAndTokenDigest(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.createInbox(NewInbox(
            name: "Site", channel: .webChat, settings: ["greeting": .string("Hi"), "require_identity_verification": .bool(true)],
            inboundTokenDigest: "tok"))
        #expect(try await store.inbox(inbox.id) == inbox)
        #expect(try await store.inboxes() == [inbox])
        let found = try await storage.directory.inboundInbox(inbox.id)
        #expect(found?.inbox == inbox)
        #expect(found?.tokenDigest == "tok")
    }

    @Test(arguments: TestBackend.enabled)
    func workspacesDoNotSeeEachOther(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let stranger = storage.workspace(WorkspaceID("other"))
        let inbox = try await store.apiInbox()
        let result = try await store.receive("m1", in: inbox)
        #expect(try await stranger.inbox(inbox.id) == nil)
        #expect(try await stranger.conversation(result.conversation.id) == nil)
        #expect(try await stranger.contactProfile(result.contact.id) == nil)
        #expect(try await stranger.conversations(matching: ConversationQuery(), page: PageRequest()).items.isEmpty)
        #expect(try await stranger.search("hello", limit: 10).messages.isEmpty)
        await #expect(throws: StorageError.notFound("inbox")) { try await stranger.receive("m2", in: inbox) }
    }
}
