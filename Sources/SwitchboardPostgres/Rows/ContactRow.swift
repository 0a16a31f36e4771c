import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// Reading rows of `contacts` with their handles (`contact_handles`: emails, phones) and channel
/// identities (`contact_identities`), in one statement.
enum ContactRow {
    /// The columns `contact(_:)` reads, for a contact aliased `ct`.
    static let columns = """
        ct.id, ct.workspace_id, ct.name, ct.attributes, ct.created_at,
        ARRAY(SELECT h.value FROM contact_handles h WHERE h.workspace_id = ct.workspace_id AND h.contact_id = ct.id
              AND h.kind = 'email' ORDER BY h.position, h.value) AS emails,
        ARRAY(SELECT h.value FROM contact_handles h WHERE h.workspace_id = ct.workspace_id AND h.contact_id = ct.id
              AND h.kind = 'phone' ORDER BY h.position, h.value) AS phones,
        ARRAY(SELECT i.channel FROM contact_identities i WHERE i.workspace_id = ct.workspace_id AND i.contact_id = ct.id
              ORDER BY i.created_at, i.channel, i.external_id) AS identity_channels,
        ARRAY(SELECT i.external_id FROM contact_identities i WHERE i.workspace_id = ct.workspace_id AND i.contact_id = ct.id
              ORDER BY i.created_at, i.channel, i.external_id) AS identity_ids
        """

    static func contact(_ row: Columns) throws -> Contact {
        let channels: [String] = try row("identity_channels")
        let ids: [String] = try row("identity_ids")
        return Contact(
            id: ContactID(try row("id")), workspaceID: WorkspaceID(try row("workspace_id")), name: try row("name"),
            emails: try row("emails"), phones: try row("phones"),
            attributes: try JSONColumn.decode([String: JSONValue].self, from: try row("attributes")),
            identities: zip(channels, ids).compactMap { channel, id in
                ChannelKind(rawValue: channel).map { ContactIdentity(channel: $0, externalID: id) }
            },
            createdAt: Timestamp.date(try row("created_at", as: Int64.self)))
    }

    static func load(_ id: ContactID, workspace: WorkspaceID, in session: Session) async throws -> Contact? {
        try await session.row("""
            SELECT \(unescaped: columns) FROM contacts ct WHERE ct.workspace_id = \(workspace.rawValue) AND ct.id = \(id.rawValue)
            """, contact)
    }

    /// Inserts a contact without handles and returns the event announcing it.
    static func insert(_ id: ContactID, name: String, attributes: [String: JSONValue], workspace: WorkspaceID, at now: Int64,
                       in session: Session) async throws -> PendingEvent {
        try await session.run("""
            INSERT INTO contacts (id, workspace_id, name, attributes, search_vector, created_at)
            VALUES (\(id.rawValue), \(workspace.rawValue), \(name), \(try JSONColumn.encode(attributes)),
                    to_tsvector('simple', \(SearchText.document(name))), \(now))
            """)
        return PendingEvent(.contactCreated, .contact(ContactName(id: id, name: name)), inbox: nil, at: now)
    }
}
