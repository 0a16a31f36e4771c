import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStore

/// A conversation as the inbox list and detail view show it.
struct ConversationResponse: ResponseEncodable, Sendable {
    struct ContactRef: Encodable, Sendable {
        let id: String
        let name: String
    }

    struct LastMessage: Encodable, Sendable {
        let content: String
        let createdAt: Date
        let direction: MessageDirection

        enum CodingKeys: String, CodingKey {
            case content, direction
            case createdAt = "created_at"
        }
    }

    /// Response-time facts measured so far; due times arrive with SLA policies.
    struct SLA: Encodable, Sendable {
        let firstResponseAt: OrNull<Date>
        let waitingSince: OrNull<Date>

        enum CodingKeys: String, CodingKey {
            case firstResponseAt = "first_response_at"
            case waitingSince = "waiting_since"
        }
    }

    let id: String
    let number: Int
    let inboxID: String
    let channel: ChannelKind
    let status: ConversationStatus
    let priority: ConversationPriority
    let assigneeID: OrNull<String>
    let teamID: OrNull<String>
    let labels: [String]
    let contact: ContactRef
    let lastMessage: OrNull<LastMessage>
    let unreadCount: Int
    let snoozedUntil: OrNull<Date>
    let createdAt: Date
    let lastActivityAt: Date
    let resolvedAt: OrNull<Date>
    let sla: SLA

    enum CodingKeys: String, CodingKey {
        case id, number, channel, status, priority, labels, contact, sla
        case inboxID = "inbox_id"
        case assigneeID = "assignee_id"
        case teamID = "team_id"
        case lastMessage = "last_message"
        case unreadCount = "unread_count"
        case snoozedUntil = "snoozed_until"
        case createdAt = "created_at"
        case lastActivityAt = "last_activity_at"
        case resolvedAt = "resolved_at"
    }

    init(_ summary: ConversationSummary) {
        self.init(summary.conversation, contact: summary.contact)
    }

    init(_ c: Conversation, contact: ContactName) {
        id = c.id.rawValue
        number = c.number
        inboxID = c.inboxID.rawValue
        channel = c.channel
        status = c.status
        priority = c.priority
        assigneeID = OrNull(c.assigneeID?.rawValue)
        teamID = OrNull(c.teamID?.rawValue)
        labels = c.labels
        self.contact = ContactRef(id: contact.id.rawValue, name: contact.name)
        lastMessage = OrNull(c.lastMessage.map { LastMessage(content: $0.content, createdAt: $0.createdAt, direction: $0.direction) })
        unreadCount = c.unreadCount
        snoozedUntil = OrNull(c.snoozedUntil)
        createdAt = c.createdAt
        lastActivityAt = c.lastActivityAt
        resolvedAt = OrNull(c.resolvedAt)
        sla = SLA(firstResponseAt: OrNull(c.firstResponseAt), waitingSince: OrNull(c.waitingSince))
    }
}

/// One message of a conversation.
struct MessageResponse: ResponseEncodable, Sendable {
    struct Sender: Encodable, Sendable {
        let type: MessageSender.Kind
        let id: OrNull<String>
    }

    let id: String
    let conversationID: String
    let direction: MessageDirection
    let sender: Sender
    let `private`: Bool
    let content: String
    let attachments: [AttachmentResponse]
    let status: DeliveryStatus
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, direction, sender, `private`, content, attachments, status
        case conversationID = "conversation_id"
        case createdAt = "created_at"
    }

    init(_ m: Message) {
        id = m.id.rawValue
        conversationID = m.conversationID.rawValue
        direction = m.direction
        sender = Sender(type: m.sender.kind, id: OrNull(m.sender.id))
        `private` = m.isPrivate
        content = m.content
        attachments = m.attachments.map(AttachmentResponse.init)
        status = m.status
        createdAt = m.createdAt
    }
}

extension MessageResponse {
    /// The members `encode(to:)` writes, by hand (see ``RealtimeFrame/text()``).
    func writeMembers(to json: inout JSONText) {
        json.string("id", id)
        json.string("conversation_id", conversationID)
        json.string("direction", direction.rawValue)
        json.object("sender") { sender in
            sender.string("type", self.sender.type.rawValue)
            sender.string("id", self.sender.id.value)
        }
        json.bool("private", `private`)
        json.string("content", content)
        json.array("attachments", attachments) { json, attachment in attachment.write(to: &json) }
        json.string("status", status.rawValue)
        json.date("created_at", createdAt)
    }
}

/// What the generic inbound endpoint answers.
struct IncomingResponse: ResponseEncodable, Sendable {
    let conversationID: String
    let messageID: String
    let contactID: String

    enum CodingKeys: String, CodingKey {
        case conversationID = "conversation_id"
        case messageID = "message_id"
        case contactID = "contact_id"
    }
}
