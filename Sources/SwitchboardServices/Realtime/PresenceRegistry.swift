import Foundation
import ServiceLifecycle
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Which agents are online: those with a realtime socket open on this node, and those other nodes
/// reported (through presence signals), so a visitor on any node sees the same "we're online".
///
/// An agent with any open socket is online (or away, if they said so); closing the last socket on a
/// node makes them offline there. Every change is announced on the signal bus with this node's id.
public final class PresenceRegistry: Service, Sendable {
    private struct Entry {
        var connections: Int
        var status: PresenceStatus
    }

    /// This process's name in presence signals.
    public let node = UUID().uuidString
    private let signals: any SignalBus
    private let agents = Mutex<[WorkspaceID: [AgentID: Entry]]>([:])
    /// What other nodes said, by node: an agent is online if any node has them online.
    private let remote = Mutex<[String: [WorkspaceID: [AgentID: PresenceStatus]]]>([:])

    public init(signals: any SignalBus) {
        self.signals = signals
    }

    /// Listens to the other nodes' presence signals.
    public func run() async throws {
        let incoming = signals.subscribe()
        await cancelWhenGracefulShutdown {
            for await signal in incoming {
                if case .presence(let presence) = signal, let origin = presence.node, origin != self.node {
                    self.remote.withLock { nodes in
                        nodes[origin, default: [:]][presence.workspaceID, default: [:]][presence.agentID] =
                            presence.status == .offline ? nil : presence.status
                    }
                }
            }
        }
    }

    /// Counts a new socket of the agent.
    public func connected(_ agent: Agent) {
        update(agent) { entry in
            entry.connections += 1
            if entry.status == .offline { entry.status = .online }
        }
    }

    /// Forgets one socket of the agent; the last one makes them offline.
    public func disconnected(_ agent: Agent) {
        update(agent) { entry in
            entry.connections -= 1
            if entry.connections <= 0 { entry.status = .offline }
        }
    }

    /// The agent says they are online or away (offline follows from closing the sockets).
    public func set(_ status: PresenceStatus, for agent: Agent) {
        guard status != .offline else { return }
        update(agent) { entry in
            if entry.connections > 0 { entry.status = status }
        }
    }

    /// Whether any agent of the workspace is online (not away) on this node or another.
    public func anyAgentOnline(in workspace: WorkspaceID) -> Bool {
        let local = agents.withLock { $0[workspace]?.values.contains { $0.status == .online } ?? false }
        return local || remote.withLock { nodes in
            nodes.values.contains { $0[workspace]?.values.contains(.online) ?? false }
        }
    }

    /// Every agent of the workspace with a socket open on this node, and their status.
    public func statuses(in workspace: WorkspaceID) -> [AgentID: PresenceStatus] {
        agents.withLock { $0[workspace]?.mapValues(\.status) ?? [:] }
    }

    private func update(_ agent: Agent, _ change: (inout Entry) -> Void) {
        let changed = agents.withLock { all -> PresenceStatus? in
            var workspace = all[agent.workspaceID] ?? [:]
            var entry = workspace[agent.id] ?? Entry(connections: 0, status: .offline)
            let before = entry.status
            change(&entry)
            workspace[agent.id] = entry.connections > 0 ? entry : nil
            all[agent.workspaceID] = workspace
            return entry.status != before ? entry.status : nil
        }
        guard let status = changed else { return }
        signals.publish(.presence(.init(workspaceID: agent.workspaceID, agentID: agent.id, status: status,
                                        anyAgentOnline: anyAgentOnline(in: agent.workspaceID), node: node)))
    }
}
