import Foundation
import GRDB
import SwitchboardStore

extension StorageError {
    /// The storage error a constraint violation means, or nil for any other database error.
    init?(_ error: DatabaseError) {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            self = .duplicate(Self.subject(of: error.message))
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            self = .notFound("referenced record")
        default:
            return nil
        }
    }

    /// "UNIQUE constraint failed: agents.workspace_id, agents.email_key" → "agents.email_key".
    private static func subject(of message: String?) -> String {
        guard let message, let columns = message.split(separator: ":").last else { return "record" }
        return columns.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "record"
    }
}
