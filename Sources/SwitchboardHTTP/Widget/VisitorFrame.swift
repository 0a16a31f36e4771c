import Foundation
import SwitchboardCore
import SwitchboardServices

/// A message as a visitor sees it: no private flag (they never get private notes), the agent's name.
struct VisitorMessage: Encodable, Sendable {
    struct Sender: Encodable, Sendable {
        let type: MessageSender.Kind
        let name: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(name, forKey: .name)
        }

        enum CodingKeys: String, CodingKey { case type, name }
    }

    let id: String
    let conversationID: String
    let direction: MessageDirection
    let sender: Sender
    let content: String
    let attachments: [AttachmentResponse]
    let createdAt: Date
    let clientID: String?

    enum CodingKeys: String, CodingKey {
        case id, direction, sender, content, attachments
        case conversationID = "conversation_id"
        case createdAt = "created_at"
        case clientID = "client_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(direction, forKey: .direction)
        try container.encode(sender, forKey: .sender)
        try container.encode(content, forKey: .content)
        try container.encode(attachments, forKey: .attachments)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(clientID, forKey: .clientID)
    }

    init(_ message: Message, senderName: String?, clientID: String?) {
        id = message.id.rawValue
        conversationID = message.conversationID.rawValue
        direction = message.direction
        sender = Sender(type: message.sender.kind, name: senderName)
        content = message.content
        attachments = message.attachments.map(AttachmentResponse.init)
        createdAt = message.createdAt
        self.clientID = clientID
    }
}

/// One server frame of a visitor's socket (see README, "Web chat").
enum VisitorFrame: Encodable, Sendable {
    case hello(contactID: String, conversationID: String?, messages: [VisitorMessage], agentsOnline: Bool)
    case ack(clientID: String, messageID: String, conversationID: String, createdAt: Date)
    case message(VisitorMessage)
    case typing(Bool)
    case presence(agentsOnline: Bool)
    case error(code: String, message: String, clientID: String?)

    private enum Key: String, CodingKey {
        case type, messages, message, typing, code
        case createdAt = "created_at"
        case contactID = "contact_id"
        case conversationID = "conversation_id"
        case agentsOnline = "agents_online"
        case clientID = "client_id"
        case messageID = "message_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .hello(let contactID, let conversationID, let messages, let agentsOnline):
            try c.encode("hello", forKey: .type)
            try c.encode(contactID, forKey: .contactID)
            try c.encode(conversationID, forKey: .conversationID)
            try c.encode(messages, forKey: .messages)
            try c.encode(agentsOnline, forKey: .agentsOnline)
        case .ack(let clientID, let messageID, let conversationID, let createdAt):
            try c.encode("ack", forKey: .type)
            try c.encode(clientID, forKey: .clientID)
            try c.encode(messageID, forKey: .messageID)
            try c.encode(conversationID, forKey: .conversationID)
            try c.encode(createdAt, forKey: .createdAt)
        case .message(let message):
            try c.encode("message", forKey: .type)
            try c.encode(message, forKey: .message)
        case .typing(let typing):
            try c.encode("typing", forKey: .type)
            try c.encode(typing, forKey: .typing)
        case .presence(let online):
            try c.encode("presence", forKey: .type)
            try c.encode(online, forKey: .agentsOnline)
        case .error(let code, let message, let clientID):
            try c.encode("error", forKey: .type)
            try c.encode(code, forKey: .code)
            try c.encode(message, forKey: .message)
            try c.encode(clientID, forKey: .clientID)
        }
    }

    func text() throws -> String {
        String(decoding: try RealtimeFrame.encoder.encode(self), as: UTF8.self)
    }
}

/// A frame a visitor sends: `{"type": "message", "content", "client_id", "attachment_ids"?}` or
/// `{"type": "typing", "typing"}`.
struct VisitorInbound: Decodable {
    let type: String
    let content: String?
    let clientID: String?
    let attachmentIDs: [String]?
    let typing: Bool?

    enum CodingKeys: String, CodingKey {
        case type, content, typing
        case clientID = "client_id"
        case attachmentIDs = "attachment_ids"
    }
}
