import Foundation
import SwitchboardCore

struct LoginRequest: Decodable {
    let email: String
    let password: String
}

struct CreateAgentRequest: Decodable {
    let email: String
    let name: String
    let password: String
    let role: AgentRole?
}

struct CreateTeamRequest: Decodable {
    let name: String
    let agentIDs: [String]?

    enum CodingKeys: String, CodingKey {
        case name
        case agentIDs = "agent_ids"
    }
}

struct InboxMembersRequest: Decodable {
    let agentIDs: [String]

    enum CodingKeys: String, CodingKey {
        case agentIDs = "agent_ids"
    }
}

/// `POST /api/v1/widget/{inbox_id}/sessions`: every field is optional.
struct VisitorSessionRequest: Decodable {
    let identifier: String?
    let identifierHash: String?
    let name: String?
    let email: String?

    enum CodingKeys: String, CodingKey {
        case identifier, name, email
        case identifierHash = "identifier_hash"
    }
}

struct CreateInboxRequest: Decodable {
    let name: String
    let channel: ChannelKind
    let settings: [String: JSONValue]?
}

struct IncomingRequest: Decodable {
    struct ContactPayload: Decodable {
        let externalID: String
        let name: String?
        let email: String?
        let phone: String?

        enum CodingKeys: String, CodingKey {
            case name, email, phone
            case externalID = "external_id"
        }
    }

    let externalID: String
    let contact: ContactPayload
    let content: String
    let sentAt: Date?

    enum CodingKeys: String, CodingKey {
        case contact, content
        case externalID = "external_id"
        case sentAt = "sent_at"
    }
}

/// A reply or note: text, attachment ids from `POST /api/v1/attachments`, or both.
struct ReplyRequest: Decodable {
    let content: String?
    let `private`: Bool?
    let attachments: [String]?
}

/// A PATCH body. For `assignee_id` and `team_id`, an explicit `null` unassigns and a missing key
/// leaves the value alone, so those two are decoded by hand.
struct UpdateConversationRequest: Decodable {
    let status: ConversationStatus?
    let assigneeID: String??
    let teamID: String??
    let priority: ConversationPriority?
    let labels: [String]?
    let snoozedUntil: Date?

    enum CodingKeys: String, CodingKey {
        case status, priority, labels
        case assigneeID = "assignee_id"
        case teamID = "team_id"
        case snoozedUntil = "snoozed_until"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decodeIfPresent(ConversationStatus.self, forKey: .status)
        priority = try container.decodeIfPresent(ConversationPriority.self, forKey: .priority)
        labels = try container.decodeIfPresent([String].self, forKey: .labels)
        snoozedUntil = try container.decodeIfPresent(Date.self, forKey: .snoozedUntil)
        assigneeID = container.contains(.assigneeID) ? .some(try container.decodeIfPresent(String.self, forKey: .assigneeID)) : nil
        teamID = container.contains(.teamID) ? .some(try container.decodeIfPresent(String.self, forKey: .teamID)) : nil
    }

    var change: ConversationChange {
        ConversationChange(
            status: status, assignee: assigneeID.map { $0.map { AgentID($0) } }, team: teamID.map { $0.map { TeamID($0) } },
            priority: priority, labels: labels, snoozedUntil: snoozedUntil)
    }
}

struct MergeContactRequest: Decodable {
    let otherContactID: String

    enum CodingKeys: String, CodingKey {
        case otherContactID = "other_contact_id"
    }
}
