import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices

/// An inbox. Secrets appear in full only in the create response; lists show them masked.
struct InboxResponse: ResponseEncodable, Sendable {
    let id: String
    let name: String
    let channel: ChannelKind
    let settings: [String: JSONValue]
    let webhookURL: String?
    let inboundToken: String?
    let hmacSecret: String?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, channel, settings
        case webhookURL = "webhook_url"
        case inboundToken = "inbound_token"
        case hmacSecret = "hmac_secret"
        case createdAt = "created_at"
    }

    /// The inbox as listed: secrets masked, no inbound token.
    init(_ inbox: Inbox, service: InboxService) {
        id = inbox.id.rawValue
        name = inbox.name
        channel = inbox.channel
        settings = InboxService.masked(inbox.settings)
        webhookURL = service.webhookURL(of: inbox)
        inboundToken = nil
        hmacSecret = nil
        createdAt = inbox.createdAt
    }

    /// The inbox just created: every secret in the clear, this once.
    init(created: InboxService.Created, service: InboxService) {
        id = created.inbox.id.rawValue
        name = created.inbox.name
        channel = created.inbox.channel
        settings = created.inbox.settings
        webhookURL = service.webhookURL(of: created.inbox)
        inboundToken = created.inboundToken
        hmacSecret = created.inbox.settings["hmac_secret"]?.stringValue
        createdAt = created.inbox.createdAt
    }
}

/// `GET|PUT /api/v1/inboxes/{id}/members`: the agents who work the inbox.
struct InboxMembersResponse: ResponseEncodable, Sendable {
    let agentIDs: [String]

    enum CodingKeys: String, CodingKey {
        case agentIDs = "agent_ids"
    }
}
