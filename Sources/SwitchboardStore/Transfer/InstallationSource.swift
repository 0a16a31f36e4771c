/// A whole installation read table by table: what `switchboard migrate-data` copies from one backend
/// into another. Tables and columns carry the names both schemas share; a reader pages through each
/// table in a stable order.
public protocol InstallationSource: Sendable {
    /// Up to `limit` rows of `table` after the page that returned `cursor` (from the first row when nil).
    func rows(of table: String, after cursor: Int64?, limit: Int) async throws -> TableRows
    /// How many rows `table` holds.
    func count(of table: String) async throws -> Int
}

/// The tables of an installation, parents before the rows that reference them.
public enum InstallationTables {
    public static let all = [
        "workspaces", "agents", "agent_tokens", "teams", "team_members", "inboxes", "inbox_members",
        "contacts", "contact_handles", "contact_identities", "conversations", "labels", "conversation_labels",
        "messages", "events", "visitor_sessions", "attachments", "jobs", "canned_responses",
    ]
}
