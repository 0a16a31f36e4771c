import Foundation
import SwitchboardCore
import SwitchboardStore

/// Creating and listing inboxes.
public struct InboxService: Sendable {
    /// A new inbox with the secrets shown once.
    public struct Created: Sendable {
        public let inbox: Inbox
        /// The token an `api` inbox's integration sends in `X-Inbox-Token`.
        public let inboundToken: String?
    }

    private let storage: any Storage
    private let publicURL: String

    /// - Parameter publicURL: the address providers reach this server at, for webhook URLs.
    public init(storage: any Storage, publicURL: String) {
        self.storage = storage
        self.publicURL = publicURL
    }

    public func create(by actor: Agent, name: String, channel: ChannelKind,
                       settings: [String: JSONValue]) async throws -> Created {
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can create inboxes.") }
        let name = name.trimmingWhitespace()
        try Validate.text(name, field: "name", max: 100)
        try ChannelSettingsSchema.validate(settings, for: channel)
        var settings = settings
        if channel == .webChat {
            // The key visitors' identifier_hash values are signed with.
            settings["hmac_secret"] = .string(Secrets.token())
        }
        if channel == .api, settings["callback_url"] != nil {
            // The key that signs each reply posted to the integration's callback_url.
            settings["callback_secret"] = .string(Secrets.token())
        }
        let inboundToken = channel == .api ? Secrets.token() : nil
        let inbox = try await storage.workspace(actor.workspaceID).createInbox(NewInbox(
            name: name, channel: channel, settings: settings, inboundTokenDigest: inboundToken.map(Secrets.digest)))
        return Created(inbox: inbox, inboundToken: inboundToken)
    }

    public func inboxes(for actor: Agent) async throws -> [Inbox] {
        try await storage.workspace(actor.workspaceID).inboxes()
    }

    /// The agents who work an inbox (and so see its events on their realtime socket).
    public func members(of inbox: InboxID, for actor: Agent) async throws -> [AgentID] {
        try await storage.workspace(actor.workspaceID).inboxMembers(inbox)
    }

    /// Replaces an inbox's members (admins only).
    public func setMembers(of inbox: InboxID, to agents: [AgentID], by actor: Agent) async throws -> [AgentID] {
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can change who works an inbox.") }
        guard agents.count <= 1_000 else {
            throw ServiceError.invalidField(field: "agent_ids", message: "agent_ids may list at most 1000 agents.")
        }
        return try await storage.workspace(actor.workspaceID).setInboxMembers(inbox, agents: agents)
    }

    /// The absolute URL a provider posts to, for channels that receive webhooks.
    public func webhookURL(of inbox: Inbox) -> String? {
        inbox.channel.receivesWebhooks ? PublicURL.join(publicURL, "/api/v1/webhooks/\(inbox.channel.rawValue)/\(inbox.id)") : nil
    }

    /// Settings as shown after creation: secrets replaced by a mask that keeps their last 4 characters.
    public static func masked(_ settings: [String: JSONValue]) -> [String: JSONValue] {
        settings.reduce(into: [:]) { result, entry in
            if ChannelSettingsSchema.secretKeys.contains(entry.key), case .string(let secret) = entry.value {
                result[entry.key] = .string("••••" + String(secret.suffix(secret.count > 12 ? 4 : 0)))
            } else {
                result[entry.key] = entry.value
            }
        }
    }
}
