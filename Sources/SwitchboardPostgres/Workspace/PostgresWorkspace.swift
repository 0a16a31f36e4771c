import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// The ports of one workspace on PostgreSQL. Every statement is scoped by `workspace_id`.
struct PostgresWorkspace: Sendable {
    let workspaceID: WorkspaceID
    let storage: PostgresStorage

    var ws: String { workspaceID.rawValue }
}

extension PostgresWorkspace: WorkspaceStorage {}

extension PostgresWorkspace {
    /// Whether a row with this id exists in the workspace. `table` is one of ours, never input.
    static func exists(_ table: StaticString, _ id: String, workspace: WorkspaceID, in session: Session) async throws -> Bool {
        try await session.value("""
            SELECT EXISTS (SELECT 1 FROM \(unescaped: "\(table)") WHERE workspace_id = \(workspace.rawValue) AND id = \(id))
            """, as: Bool.self) ?? false
    }
}
