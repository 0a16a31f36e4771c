import Foundation
import Hummingbird
import SwitchboardCore

/// A saved reply.
struct CannedResponseResponse: ResponseEncodable, Sendable {
    let id: String
    let shortCode: String
    let content: String
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, content
        case shortCode = "short_code"
        case createdAt = "created_at"
    }

    init(_ response: CannedResponse) {
        id = response.id.rawValue
        shortCode = response.shortCode
        content = response.content
        createdAt = response.createdAt
    }
}

/// An entry of the label catalogue.
struct LabelResponse: ResponseEncodable, Sendable {
    let id: String
    let name: String
    let color: String
    let description: String

    init(_ label: Label) {
        id = label.id.rawValue
        name = label.name
        color = label.color
        description = label.description
    }
}

/// `GET /api/v1/setup`.
struct SetupStatusResponse: ResponseEncodable, Sendable {
    let needsSetup: Bool

    enum CodingKeys: String, CodingKey {
        case needsSetup = "needs_setup"
    }
}
