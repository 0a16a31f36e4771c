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

    /// The frame's JSON, written by hand (``JSONText``): these frames go out for every chat message.
    /// The `Encodable` conformance above says the same through `JSONEncoder`; a test holds them equal.
    func text() -> String {
        JSONText.object { json in
            switch self {
            case .hello(let contactID, let conversationID, let messages, let agentsOnline):
                json.string("type", "hello")
                json.string("contact_id", contactID)
                json.string("conversation_id", conversationID)
                json.array("messages", messages) { json, message in message.write(to: &json) }
                json.bool("agents_online", agentsOnline)
            case .ack(let clientID, let messageID, let conversationID, let createdAt):
                json.string("type", "ack")
                json.string("client_id", clientID)
                json.string("message_id", messageID)
                json.string("conversation_id", conversationID)
                json.date("created_at", createdAt)
            case .message(let message):
                json.string("type", "message")
                json.object("message") { message.writeMembers(to: &$0) }
            case .typing(let typing):
                json.string("type", "typing")
                json.bool("typing", typing)
            case .presence(let online):
                json.string("type", "presence")
                json.bool("agents_online", online)
            case .error(let code, let message, let clientID):
                json.string("type", "error")
                json.string("code", code)
                json.string("message", message)
                json.string("client_id", clientID)
            }
        }
    }
}

extension VisitorMessage {
    func write(to json: inout JSONText) {
        json.object { writeMembers(to: &$0) }
    }

    func writeMembers(to json: inout JSONText) {
        json.string("id", id)
        json.string("conversation_id", conversationID)
        json.string("direction", direction.rawValue)
        json.object("sender") { sender in
            sender.string("type", self.sender.type.rawValue)
            sender.string("name", self.sender.name)
        }
        json.string("content", content)
        json.array("attachments", attachments) { json, attachment in attachment.write(to: &json) }
        json.date("created_at", createdAt)
        json.string("client_id", clientID)
    }
}
