import Foundation
import SwitchboardCore
import SwitchboardServices
import SwitchboardSQLite
import Testing

@Suite("Presence")
struct PresenceRegistryTests {
    static let agent = Agent(id: AgentID("ada"), workspaceID: Workspace.defaultID, email: "ada@x.io", name: "Ada",
                             role: .agent, createdAt: Date())

    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }

    @Test func anAgentOnAnotherNodeCountsAsOnlineUntilTheirLastSocketCloses() async throws {
        // Two nodes that share a signal bus, as PostgreSQL nodes do through NOTIFY.
        let bus = LocalSignalBus()
        let nodeA = PresenceRegistry(signals: bus)
        let nodeB = PresenceRegistry(signals: bus)
        let listening = Task { try await nodeB.run() }
        defer { listening.cancel() }
        try await Task.sleep(for: .milliseconds(50))

        #expect(nodeB.anyAgentOnline(in: Workspace.defaultID) == false)
        nodeA.connected(Self.agent)
        nodeA.connected(Self.agent)
        #expect(try await Self.eventually { nodeB.anyAgentOnline(in: Workspace.defaultID) })
        nodeA.set(.away, for: Self.agent)
        #expect(try await Self.eventually { !nodeB.anyAgentOnline(in: Workspace.defaultID) }, "away is not online")
        nodeA.set(.online, for: Self.agent)
        nodeA.disconnected(Self.agent)
        #expect(try await Self.eventually { nodeB.anyAgentOnline(in: Workspace.defaultID) }, "one socket is still open")
        nodeA.disconnected(Self.agent)
        #expect(try await Self.eventually { !nodeB.anyAgentOnline(in: Workspace.defaultID) })
        #expect(nodeA.statuses(in: Workspace.defaultID).isEmpty)
    }
}
