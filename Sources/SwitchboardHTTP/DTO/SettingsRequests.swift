import SwitchboardCore

struct CreateCannedResponseRequest: Decodable {
    let shortCode: String
    let content: String

    enum CodingKeys: String, CodingKey {
        case content
        case shortCode = "short_code"
    }
}

/// A PATCH body: a missing key leaves the field alone.
struct UpdateCannedResponseRequest: Decodable {
    let shortCode: String?
    let content: String?

    enum CodingKeys: String, CodingKey {
        case content
        case shortCode = "short_code"
    }
}

struct CreateLabelRequest: Decodable {
    let name: String
    let color: String?
    let description: String?
}

/// A PATCH body: a missing key leaves the field alone.
struct UpdateAgentRequest: Decodable {
    let name: String?
    let role: AgentRole?
}

/// First-run setup: the first admin's login.
struct SetupRequest: Decodable {
    let email: String
    let name: String
    let password: String
}
