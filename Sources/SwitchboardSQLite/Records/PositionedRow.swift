import GRDB

/// The first row of a statement, read by column position without GRDB's `Row`: for the reads every message
/// (in the writer), every agent reply and every authenticated request make.
///
/// Every fetch through a `Row` builds a dictionary of the statement's column names, lowercased, so that
/// `row["status"]` can find its column. For the 21 columns of a conversation that was ~3.4 % of the
/// writer's time per message (`switchboard bench store`, perf with DWARF stacks, 2026-12-07). Here a cursor
/// of the first column steps the statement (such cursors build no `Row`), and while it is on the row the
/// other columns are read from the statement directly.
struct PositionedRow {
    private let statement: Statement

    /// Reads the first row of `statement` with `read`, or returns nil when there is none. Column 0 must
    /// be non-NULL text; it is handed to `read` as `first`.
    static func first<T>(_ statement: Statement, arguments: StatementArguments,
                         read: (_ first: String, _ row: PositionedRow) throws -> T) throws -> T? {
        let cursor = try String.fetchCursor(statement, arguments: arguments)
        guard let first = try cursor.next() else { return nil }
        return try withExtendedLifetime(cursor) { try read(first, PositionedRow(statement: statement)) }
    }

    /// `columns` as a select list, each qualified with `alias` when given (for joins). A reader by position
    /// names its columns once, as an array, and selects them with this, so order and list cannot drift apart.
    static func selectList(_ columns: [String], of alias: String? = nil) -> String {
        columns.map { column in alias.map { "\($0).\(column)" } ?? column }.joined(separator: ", ")
    }

    /// The value of a NOT NULL column.
    func required<T: StatementColumnConvertible>(_ index: CInt) throws -> T {
        guard let value = T.fromStatement(statement.sqliteStatement, atUncheckedIndex: index) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH,
                                message: "unexpected NULL in column \(statement.columnNames[Int(index)])", sql: statement.sql)
        }
        return value
    }

    /// The value of a column that may be NULL.
    func optional<T: StatementColumnConvertible>(_ index: CInt) -> T? {
        T.fromStatement(statement.sqliteStatement, atUncheckedIndex: index)
    }
}
