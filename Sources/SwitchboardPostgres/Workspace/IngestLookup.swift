import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// What one statement finds for an incoming message, prepared once per connection: the inbox's
/// channel, an earlier delivery of the same external id, the sender known by its channel id (its
/// contact locked) and the sender's conversation in this inbox that is not resolved (locked). No row
/// when there is no such inbox. A sender whose contact a concurrent merge deleted is not found; claiming
/// the identity then conflicts and the rerun finds the contact it moved to.
struct IngestLookup: PostgresPreparedStatement {
    struct Found {
        let channel: ChannelKind
        let earlierDelivery: MessageID?
        let sender: ContactName?
        let activeConversation: Conversation?
    }

    typealias Row = Found

    // $1 workspace, $2 inbox, $3 the sender's id on the channel, $4 the message's external id.
    static let sql = """
        WITH inbox AS (
            SELECT channel FROM inboxes WHERE workspace_id = $1 AND id = $2
        ), sender AS (
            SELECT ct.id, ct.name FROM contact_identities ci
            JOIN contacts ct ON ct.workspace_id = ci.workspace_id AND ct.id = ci.contact_id
            WHERE ci.workspace_id = $1 AND ci.channel = (SELECT channel FROM inbox) AND ci.external_id = $3
            FOR UPDATE OF ct
        ), active AS (
            SELECT * FROM conversations
            WHERE workspace_id = $1 AND contact_id = (SELECT id FROM sender) AND inbox_id = $2 AND status <> 'resolved'
            ORDER BY last_activity_at DESC LIMIT 1 FOR UPDATE
        )
        SELECT inbox.channel AS inbox_channel, earlier.id AS earlier_id, sender.id AS sender_id,
               sender.name AS sender_name, \(ConversationRow.columns)
        FROM inbox
        LEFT JOIN messages earlier ON earlier.workspace_id = $1 AND earlier.inbox_id = $2 AND earlier.external_id = $4
        LEFT JOIN sender ON true
        LEFT JOIN active c ON true
        """

    let workspace: WorkspaceID
    let incoming: IncomingMessage

    func makeBindings() throws -> PostgresBindings {
        var binds = PostgresBindings(capacity: 4)
        binds.append(workspace.rawValue)
        binds.append(incoming.inboxID.rawValue)
        binds.append(incoming.contact.externalID)
        binds.append(incoming.externalID)
        return binds
    }

    func decodeRow(_ postgresRow: PostgresRow) throws -> Found {
        let row = Columns(postgresRow)
        guard let channel = ChannelKind(rawValue: try row("inbox_channel")) else { throw StorageError.notFound("inbox") }
        let sender = try row("sender_id", as: String?.self).map { ContactName(id: ContactID($0), name: try row("sender_name")) }
        return Found(channel: channel, earlierDelivery: try row("earlier_id", as: String?.self).map { MessageID($0) },
                     sender: sender,
                     activeConversation: try row("id", as: String?.self) == nil ? nil : try ConversationRow.conversation(row))
    }
}
