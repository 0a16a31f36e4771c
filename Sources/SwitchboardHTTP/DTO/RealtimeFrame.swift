import Foundation
import SwitchboardCore

/// One server frame of the agents' realtime socket: `{"id": "<sequence>", "type": ..., "data": {...}}`.
struct RealtimeFrame: Encodable, Sendable {
    let id: String
    let type: String
    let data: FrameData

    enum FrameData: Encodable, Sendable {
        case conversation(ConversationResponse)
        case message(MessageResponse)
        case contact(ContactName)
        case reference(id: String)
        case typing(LiveSignal.Typing)
        case presence(LiveSignal.Presence)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .conversation(let value): try value.encode(to: encoder)
            case .message(let value): try value.encode(to: encoder)
            case .contact(let value): try ["id": value.id.rawValue, "name": value.name].encode(to: encoder)
            case .reference(let id): try ["id": id].encode(to: encoder)
            case .typing(let typing):
                var c = encoder.container(keyedBy: SignalKey.self)
                try c.encode(typing.conversationID?.rawValue, forKey: .conversationID)
                try c.encode(typing.inboxID.rawValue, forKey: .inboxID)
                try c.encode(typing.contactID.rawValue, forKey: .contactID)
                try c.encode(["type": typing.actor.kind.rawValue, "id": typing.actor.id], forKey: .actor)
                try c.encode(typing.isTyping, forKey: .typing)
            case .presence(let presence):
                var c = encoder.container(keyedBy: SignalKey.self)
                try c.encode(presence.agentID.rawValue, forKey: .agentID)
                try c.encode(presence.status, forKey: .status)
                try c.encode(presence.anyAgentOnline, forKey: .anyAgentOnline)
            }
        }
    }

    private enum SignalKey: String, CodingKey {
        case actor, typing, status
        case conversationID = "conversation_id"
        case inboxID = "inbox_id"
        case contactID = "contact_id"
        case agentID = "agent_id"
        case anyAgentOnline = "any_agent_online"
    }

    /// A live signal. Its id is that of the last logged event sent before it, so any frame's id is a
    /// valid `after` to resume from.
    init(_ signal: LiveSignal, after sequence: Int64) {
        id = String(sequence)
        switch signal {
        case .typing(let typing):
            type = "typing"
            data = .typing(typing)
        case .presence(let presence):
            type = "presence"
            data = .presence(presence)
        }
    }

    /// An error about a frame the client sent: `{"type": "error", "data": {"code", "message"}}`, no id.
    static func error(_ code: String, _ message: String) -> String {
        let body = ["type": "error", "data": ["code": code, "message": message]] as [String: Any]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    init(_ event: DomainEvent) {
        id = String(event.sequence)
        type = event.kind.rawValue
        data = switch event.payload {
        case .conversation(let conversation, let contact): .conversation(ConversationResponse(conversation, contact: contact))
        case .message(let message): .message(MessageResponse(message))
        case .contact(let contact): .contact(contact)
        case nil: .reference(id: event.subjectID)
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    func text() throws -> String {
        // A message frame goes out for every message on every channel: written by hand (``JSONText``;
        // a test holds it equal to the encoder's). The rarer frames use the encoder.
        if case .message(let message) = data {
            return JSONText.object { json in
                json.string("id", id)
                json.string("type", type)
                json.object("data") { message.writeMembers(to: &$0) }
            }
        }
        return String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }
}
