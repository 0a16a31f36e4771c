import GRDB
import SwitchboardCore
import SwitchboardStore

/// A row of `contacts`. Emails and phones live in `contact_handles`, channel ids in
/// `contact_identities`; `search_text` is what the contacts full-text index sees.
struct ContactRecord: SnakeCaseRecord {
    static let databaseTableName = "contacts"

    var id: String
    var workspaceId: String
    var name: String
    var attributes: String
    var searchText: String
    var createdAt: Int64

    /// The full contact: the row plus its handles and identities.
    static func load(_ id: ContactID, workspace: WorkspaceID, in db: Database) throws -> Contact? {
        guard let record = try ContactRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM contacts WHERE workspace_id = ? AND id = ?"), arguments: [workspace.rawValue, id.rawValue])
        else { return nil }
        return try record.contact(in: db)
    }

    func contact(in db: Database) throws -> Contact {
        let handles = try Row.fetchAll(db.cachedStatement(sql: "SELECT kind, value FROM contact_handles WHERE contact_id = ? ORDER BY position, value"), arguments: [id])
        let identities = try Row.fetchAll(db.cachedStatement(sql: "SELECT channel, external_id FROM contact_identities WHERE contact_id = ? ORDER BY created_at, channel"),
            arguments: [id])
        return Contact(
            id: ContactID(id), workspaceID: WorkspaceID(workspaceId), name: name,
            emails: handles.filter { $0["kind"] == ContactHandle.email }.map { $0["value"] },
            phones: handles.filter { $0["kind"] == ContactHandle.phone }.map { $0["value"] },
            attributes: try JSONColumn.decode([String: JSONValue].self, from: attributes),
            identities: identities.compactMap { row in
                ChannelKind(rawValue: row["channel"]).map { ContactIdentity(channel: $0, externalID: row["external_id"]) }
            },
            createdAt: Timestamp.date(createdAt))
    }

    /// Rewrites `search_text` from the name and handles, so the full-text index finds the contact by any of them.
    static func refreshSearchText(_ id: ContactID, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE contacts SET search_text = name || ' ' ||
                coalesce((SELECT group_concat(value, ' ') FROM contact_handles WHERE contact_id = contacts.id), '')
            WHERE id = ?
            """).execute(arguments: [id.rawValue])
    }
}

/// Kinds of row in `contact_handles`.
enum ContactHandle {
    static let email = "email"
    static let phone = "phone"

    /// Adds a handle to a contact unless some contact already has it. Returns whether it was added.
    @discardableResult
    static func add(_ kind: String, _ value: String, to contact: ContactID, workspace: WorkspaceID,
                    in db: Database) throws -> Bool {
        let normalized = kind == email ? value.trimmingWhitespace().lowercased() : value.trimmingWhitespace()
        guard !normalized.isEmpty else { return false }
        try db.cachedStatement(sql: """
            INSERT INTO contact_handles (workspace_id, kind, value, contact_id, position)
            VALUES (?, ?, ?, ?, (SELECT count(*) FROM contact_handles WHERE contact_id = ?))
            ON CONFLICT DO NOTHING
            """).execute(arguments: [workspace.rawValue, kind, normalized, contact.rawValue, contact.rawValue])
        return db.changesCount > 0
    }

    /// The contact that has this handle, if any.
    static func owner(_ kind: String, _ value: String, workspace: WorkspaceID, in db: Database) throws -> ContactID? {
        let normalized = kind == email ? value.trimmingWhitespace().lowercased() : value.trimmingWhitespace()
        return try String.fetchOne(db.cachedStatement(sql: "SELECT contact_id FROM contact_handles WHERE workspace_id = ? AND kind = ? AND value = ?"),
            arguments: [workspace.rawValue, kind, normalized]).map { ContactID($0) }
    }
}
