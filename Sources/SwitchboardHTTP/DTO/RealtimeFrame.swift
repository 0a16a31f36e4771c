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

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .conversation(let value): try value.encode(to: encoder)
            case .message(let value): try value.encode(to: encoder)
            case .contact(let value): try ["id": value.id.rawValue, "name": value.name].encode(to: encoder)
            case .reference(let id): try ["id": id].encode(to: encoder)
            }
        }
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
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }
}
