import Foundation
import SwitchboardCore
import SwitchboardServices

/// What an `api` inbox's integration receives at its `callback_url` for each public reply: a JSON
/// body signed with the inbox's `callback_secret`. Built here as plain values, so the format and the
/// signature are tested without a network.
public struct APICallback: Sendable {
    public static let signatureHeader = "X-Switchboard-Signature"
    /// The reply's id: the same for every attempt, so the integration can drop a repeat.
    public static let deliveryHeader = "X-Switchboard-Delivery"

    public let url: String
    public let body: Data
    /// `sha256=` and the hex HMAC-SHA256 of the body keyed with the inbox's `callback_secret`.
    public let signature: String
    public let messageID: MessageID

    /// Nil when the inbox has no callback_url (or no secret, which creation always adds with it).
    /// `publicURL` is this server's address: each attachment's `url` is built on it, and the integration
    /// downloads the file there with the inbox's `X-Inbox-Token`.
    public init?(message: Message, conversation: Conversation, contact: Contact, inbox: Inbox, publicURL: String) throws {
        guard let url = inbox.settings["callback_url"]?.stringValue,
              let secret = inbox.settings["callback_secret"]?.stringValue
        else { return nil }
        let body = Body(
            message: .init(id: message.id.rawValue, conversationID: message.conversationID.rawValue, content: message.content,
                           attachments: message.attachments.map {
                               .init(id: $0.id.rawValue, filename: $0.filename, contentType: $0.contentType, size: $0.size,
                                     url: Self.attachmentURL($0.id, in: inbox.id, publicURL: publicURL))
                           },
                           sender: .init(type: message.sender.kind.rawValue, id: message.sender.id), createdAt: message.createdAt),
            conversation: .init(id: conversation.id.rawValue, number: conversation.number, inboxID: inbox.id.rawValue),
            contact: .init(id: contact.id.rawValue, name: contact.name,
                           externalID: contact.identities.first { $0.channel == .api }?.externalID))
        self.url = url
        self.body = try Self.encoder.encode(body)
        self.signature = Self.signature(of: self.body, secret: secret)
        self.messageID = message.id
    }

    /// Where the inbox's integration downloads an attachment (`GET` with `X-Inbox-Token`).
    public static func attachmentURL(_ id: AttachmentID, in inbox: InboxID, publicURL: String) -> String {
        PublicURL.join(publicURL, "/api/v1/inboxes/\(inbox.rawValue)/attachments/\(id.rawValue)")
    }

    public static func signature(of body: Data, secret: String) -> String {
        "sha256=" + Secrets.hmacSHA256Hex(of: body, secret: secret)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private struct Body: Encodable {
        let event = "message.created"
        let message: MessageBody
        let conversation: ConversationBody
        let contact: ContactBody
    }

    private struct MessageBody: Encodable {
        let id: String
        let conversationID: String
        let content: String
        let `private` = false
        let attachments: [AttachmentBody]
        let sender: SenderBody
        let createdAt: Date
    }

    private struct AttachmentBody: Encodable {
        let id: String
        let filename: String
        let contentType: String
        let size: Int
        let url: String
    }

    private struct SenderBody: Encodable {
        let type: String
        let id: String?
    }

    private struct ConversationBody: Encodable {
        let id: String
        let number: Int
        let inboxID: String
    }

    private struct ContactBody: Encodable {
        let id: String
        let name: String
        let externalID: String?
    }
}
