import GRDB
import SwitchboardCore
import SwitchboardStore

/// The ports of one workspace on SQLite. Every statement is scoped by `workspace_id`.
struct SQLiteWorkspace: Sendable {
    let workspaceID: WorkspaceID
    let storage: SQLiteStorage

    var ws: String { workspaceID.rawValue }
}

extension SQLiteWorkspace: WorkspaceStorage {}
