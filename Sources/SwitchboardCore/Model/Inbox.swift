import Foundation

/// One configured channel: the place conversations of one kind arrive.
public struct Inbox: Sendable, Hashable, Codable {
    public let id: InboxID
    public let workspaceID: WorkspaceID
    public var name: String
    public let channel: ChannelKind
    /// Channel settings as given by the admin, secrets included (masked on the way out).
    public var settings: [String: JSONValue]
    public let createdAt: Date

    public init(id: InboxID, workspaceID: WorkspaceID, name: String, channel: ChannelKind,
                settings: [String: JSONValue], createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.channel = channel
        self.settings = settings
        self.createdAt = createdAt
    }
}
