import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices

/// `GET /api/v1/widget/{inbox_id}/config`: what the widget shows before anyone writes.
struct WidgetConfigResponse: ResponseEncodable, Sendable {
    let inboxID: String
    let name: String
    let greeting: OrNull<String>
    let preChatForm: Bool
    let requireIdentityVerification: Bool
    let agentsOnline: Bool
    let businessHoursOpen: Bool

    enum CodingKeys: String, CodingKey {
        case name, greeting
        case inboxID = "inbox_id"
        case preChatForm = "pre_chat_form"
        case requireIdentityVerification = "require_identity_verification"
        case agentsOnline = "agents_online"
        case businessHoursOpen = "business_hours_open"
    }

    init(_ config: WidgetService.Config) {
        inboxID = config.inbox.id.rawValue
        name = config.inbox.name
        greeting = OrNull(config.greeting)
        preChatForm = config.preChatForm
        requireIdentityVerification = config.requiresIdentityVerification
        agentsOnline = config.agentsOnline
        businessHoursOpen = config.businessHoursOpen
    }
}

/// A new visitor session: the token is shown this once.
struct VisitorSessionResponse: ResponseEncodable, Sendable {
    let visitorToken: String
    let contactID: String
    let verified: Bool

    enum CodingKeys: String, CodingKey {
        case verified
        case visitorToken = "visitor_token"
        case contactID = "contact_id"
    }
}

/// `GET /api/v1/widget/{inbox_id}/session`: the stored token is still good.
struct VisitorProfileResponse: ResponseEncodable, Sendable {
    let contactID: String
    let verified: Bool

    enum CodingKeys: String, CodingKey {
        case verified
        case contactID = "contact_id"
    }
}
