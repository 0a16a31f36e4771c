import Foundation

/// A customer: one record, however many channels they write from.
public struct Contact: Sendable, Hashable, Codable {
    public let id: ContactID
    public let workspaceID: WorkspaceID
    public var name: String
    public var emails: [String]
    public var phones: [String]
    public var attributes: [String: JSONValue]
    public var identities: [ContactIdentity]
    public let createdAt: Date

    public init(id: ContactID, workspaceID: WorkspaceID, name: String, emails: [String], phones: [String],
                attributes: [String: JSONValue], identities: [ContactIdentity], createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.emails = emails
        self.phones = phones
        self.attributes = attributes
        self.identities = identities
        self.createdAt = createdAt
    }
}

/// How a channel knows a contact: the channel kind plus the id the channel uses (a phone number,
/// an email address, a chat id, an integration's own customer id).
public struct ContactIdentity: Sendable, Hashable, Codable {
    public let channel: ChannelKind
    public let externalID: String

    public init(channel: ChannelKind, externalID: String) {
        self.channel = channel
        self.externalID = externalID
    }
}
