import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// Reading rows of `inboxes`.
enum InboxRow {
    static let columns = "id, workspace_id, name, channel, settings, inbound_token_digest, created_at"

    static func inbox(_ row: Columns) throws -> Inbox {
        Inbox(id: InboxID(try row("id")), workspaceID: WorkspaceID(try row("workspace_id")), name: try row("name"),
              channel: ChannelKind(rawValue: try row("channel")) ?? .api,
              settings: try JSONColumn.decode([String: JSONValue].self, from: try row("settings")),
              createdAt: Timestamp.date(try row("created_at", as: Int64.self)))
    }
}
