import PostgresNIO
import SwitchboardStore

extension StorageError {
    /// The storage error a PostgreSQL constraint violation means, or nil for any other error.
    init?(postgres error: any Error) {
        guard let info = (error as? PSQLError)?.serverInfo, let state = info[.sqlState] else { return nil }
        switch state {
        case PostgresError.Code.uniqueViolation.raw:
            self = .duplicate(info[.constraintName] ?? info[.tableName] ?? "record")
        case PostgresError.Code.foreignKeyViolation.raw:
            self = .notFound("referenced record")
        default:
            return nil
        }
    }
}
