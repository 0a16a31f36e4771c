import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Which agents have a realtime socket open on this node, and whether they said they are away.
///
/// An agent with any open socket is online (or away, if they said so); closing the last socket
/// makes them offline. Every change is announced on the signal bus.
public final class PresenceRegistry: Sendable {
    private struct Entry {
        var connections: Int
        var status: PresenceStatus
    }

    private let signals: any SignalBus
    private let agents = Mutex<[WorkspaceID: [AgentID: Entry]]>([:])

    public init(signals: any SignalBus) {
        self.signals = signals
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

    /// Whether any agent of the workspace is online (not away) on this node.
    public func anyAgentOnline(in workspace: WorkspaceID) -> Bool {
        agents.withLock { $0[workspace]?.values.contains { $0.status == .online } ?? false }
    }

    /// Every agent of the workspace with a socket open, and their status.
    public func statuses(in workspace: WorkspaceID) -> [AgentID: PresenceStatus] {
        agents.withLock { $0[workspace]?.mapValues(\.status) ?? [:] }
    }

    private func update(_ agent: Agent, _ change: (inout Entry) -> Void) {
        let signal = agents.withLock { all -> LiveSignal.Presence? in
            var workspace = all[agent.workspaceID] ?? [:]
            var entry = workspace[agent.id] ?? Entry(connections: 0, status: .offline)
            let before = entry.status
            change(&entry)
            workspace[agent.id] = entry.connections > 0 ? entry : nil
            all[agent.workspaceID] = workspace
            guard entry.status != before else { return nil }
            return LiveSignal.Presence(workspaceID: agent.workspaceID, agentID: agent.id, status: entry.status,
                                       anyAgentOnline: workspace.values.contains { $0.status == .online })
        }
        if let signal { signals.publish(.presence(signal)) }
    }
}
