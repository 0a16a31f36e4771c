import Foundation

/// A group of agents that conversations can be routed to.
public struct Team: Sendable, Hashable, Codable {
    public let id: TeamID
    public var name: String
    public var agentIDs: [AgentID]
    public let createdAt: Date

    public init(id: TeamID, name: String, agentIDs: [AgentID], createdAt: Date) {
        self.id = id
        self.name = name
        self.agentIDs = agentIDs
        self.createdAt = createdAt
    }
}
