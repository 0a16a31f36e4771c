import Foundation
import Logging
import SwitchboardCore
import SwitchboardStore

/// The one door every customer message comes in through, whatever the channel.
public struct IngestService: Sendable {
    public static let maxContentLength = 65_536
    public static let maxExternalIDLength = 255

    private let storage: any Storage
    private let events: any EventBus
    private let logger: Logger
    private let inboxes = InboundInboxCache()

    /// - Parameter events: where committed events are announced.
    public init(storage: any Storage, events: any EventBus, logger: Logger) {
        self.storage = storage
        self.events = events
        self.logger = logger
    }

    /// Stores a message posted to an `api` inbox after checking the inbox's token. Returns once
    /// the message is committed; a redelivery returns the first result.
    public func receive(_ message: IncomingMessage, inboundToken: String) async throws -> IngestResult {
        let workspace = try await authenticate(message.inboxID, inboundToken: inboundToken)
        try validate(message)
        let result = try await storage.workspace(workspace).appendIncoming(message)
        events.publish(result.events)
        logger.debug("incoming message stored", metadata: [
            "inbox_id": "\(message.inboxID)", "conversation_id": "\(result.conversation.id)",
            "duplicate": "\(result.isDuplicate)",
        ])
        return result
    }

    /// The workspace of the `api` inbox whose token this is; 404 for an unknown inbox, 401 for a wrong token.
    public func authenticate(_ inbox: InboxID, inboundToken: String) async throws -> WorkspaceID {
        let found = try await inboxes.entry(for: inbox) {
            try await storage.directory.inboundInbox(inbox).map {
                InboundInboxCache.Entry(workspaceID: $0.inbox.workspaceID, channel: $0.inbox.channel, tokenDigest: $0.tokenDigest)
            }
        }
        guard let found else { throw ServiceError.notFound("inbox") }
        guard found.channel == .api, let expected = found.tokenDigest,
              Secrets.constantTimeEqual(Secrets.digest(inboundToken), expected)
        else { throw ServiceError.unauthenticated("The inbox token is missing or wrong.") }
        return found.workspaceID
    }

    private func validate(_ message: IncomingMessage) throws(ServiceError) {
        try Validate.text(message.externalID, field: "external_id", max: Self.maxExternalIDLength)
        try Validate.text(message.contact.externalID, field: "contact.external_id", max: Self.maxExternalIDLength)
        try Validate.text(message.content, field: "content", max: Self.maxContentLength)
        if let email = message.contact.email { try Validate.email(email, field: "contact.email") }
        if let name = message.contact.name, name.count > 200 {
            throw .invalidField(field: "contact.name", message: "contact.name must be at most 200 characters.")
        }
        if let phone = message.contact.phone, phone.count > 32 {
            throw .invalidField(field: "contact.phone", message: "contact.phone must be at most 32 characters.")
        }
    }
}
