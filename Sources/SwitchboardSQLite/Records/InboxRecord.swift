import GRDB
import SwitchboardCore
import SwitchboardStore

/// A row of `inboxes`.
struct InboxRecord: SnakeCaseRecord {
    static let databaseTableName = "inboxes"

    var id: String
    var workspaceId: String
    var name: String
    var channel: String
    var settings: String
    var inboundTokenDigest: String?
    var createdAt: Int64

    func inbox() throws -> Inbox {
        Inbox(id: InboxID(id), workspaceID: WorkspaceID(workspaceId), name: name,
              channel: ChannelKind(rawValue: channel) ?? .api,
              settings: try JSONColumn.decode([String: JSONValue].self, from: settings),
              createdAt: Timestamp.date(createdAt))
    }
}
