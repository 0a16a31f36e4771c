import PostgresNIO
import SwitchboardCore

/// Emails and phones of contacts (`contact_handles`): one owner per value in a workspace.
enum ContactHandle: String {
    case email, phone

    func normalized(_ value: String) -> String {
        self == .email ? value.trimmingWhitespace().lowercased() : value.trimmingWhitespace()
    }

    /// Adds the handle to a contact unless some contact already has it, and makes the contact
    /// findable by it. Returns whether it was added.
    @discardableResult
    func add(_ value: String, to contact: ContactID, workspace: WorkspaceID, in session: Session) async throws -> Bool {
        let value = normalized(value)
        guard !value.isEmpty else { return false }
        return try await session.count("""
            WITH added AS (
                INSERT INTO contact_handles (workspace_id, kind, value, contact_id, position)
                VALUES (\(workspace.rawValue), \(rawValue), \(value), \(contact.rawValue),
                        (SELECT count(*) FROM contact_handles WHERE workspace_id = \(workspace.rawValue) AND contact_id = \(contact.rawValue)))
                ON CONFLICT DO NOTHING
                RETURNING contact_id)
            UPDATE contacts SET search_vector = search_vector || to_tsvector('simple', \(SearchText.document(value)))
            WHERE workspace_id = \(workspace.rawValue) AND id IN (SELECT contact_id FROM added)
            RETURNING id
            """) == 1
    }

    /// The contact that has this handle, if any.
    func owner(_ value: String, workspace: WorkspaceID, in session: Session) async throws -> ContactID? {
        try await session.value("""
            SELECT contact_id FROM contact_handles
            WHERE workspace_id = \(workspace.rawValue) AND kind = \(rawValue) AND value = \(normalized(value))
            """, as: String.self).map { ContactID($0) }
    }
}
