import Foundation
import Hummingbird
import SwitchboardCore

/// An agent as the API shows it (never its password hash or tokens).
struct AgentResponse: ResponseEncodable, Sendable {
    let id: String
    let email: String
    let name: String
    let role: AgentRole
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email, name, role
        case createdAt = "created_at"
    }

    init(_ agent: Agent) {
        id = agent.id.rawValue
        email = agent.email
        name = agent.name
        role = agent.role
        createdAt = agent.createdAt
    }
}

struct LoginResponse: ResponseEncodable, Sendable {
    let token: String
    let agent: AgentResponse
}

struct TeamResponse: ResponseEncodable, Sendable {
    let id: String
    let name: String
    let agentIDs: [String]
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name
        case agentIDs = "agent_ids"
        case createdAt = "created_at"
    }

    init(_ team: Team) {
        id = team.id.rawValue
        name = team.name
        agentIDs = team.agentIDs.map(\.rawValue)
        createdAt = team.createdAt
    }
}

/// `{"items": [...], "next_cursor": ...}`
struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    let nextCursor: OrNull<String>

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = OrNull(nextCursor)
    }
}
