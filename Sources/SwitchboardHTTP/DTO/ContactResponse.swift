import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStore

/// A contact; the detail view adds its conversations on every channel.
struct ContactResponse: ResponseEncodable, Sendable {
    struct Identity: Encodable, Sendable {
        let channel: ChannelKind
        let externalID: String

        enum CodingKeys: String, CodingKey {
            case channel
            case externalID = "external_id"
        }
    }

    let id: String
    let name: String
    let emails: [String]
    let phones: [String]
    let identities: [Identity]
    let attributes: [String: JSONValue]
    let createdAt: Date
    let conversations: [ConversationResponse]?

    enum CodingKeys: String, CodingKey {
        case id, name, emails, phones, identities, attributes, conversations
        case createdAt = "created_at"
    }

    init(_ contact: Contact, conversations: [Conversation]? = nil) {
        id = contact.id.rawValue
        name = contact.name
        emails = contact.emails
        phones = contact.phones
        identities = contact.identities.map { Identity(channel: $0.channel, externalID: $0.externalID) }
        attributes = contact.attributes
        createdAt = contact.createdAt
        let ref = ContactName(id: contact.id, name: contact.name)
        self.conversations = conversations?.map { ConversationResponse($0, contact: ref) }
    }

    init(_ profile: ContactProfile) {
        self.init(profile.contact, conversations: profile.conversations)
    }
}

struct SearchResponse: ResponseEncodable, Sendable {
    let conversations: [ConversationResponse]
    let messages: [MessageResponse]
    let contacts: [ContactResponse]

    init(_ results: SearchResults) {
        conversations = results.conversations.map(ConversationResponse.init)
        messages = results.messages.map(MessageResponse.init)
        contacts = results.contacts.map { ContactResponse($0) }
    }
}

struct HealthResponse: ResponseEncodable, Sendable {
    let status: String
}
