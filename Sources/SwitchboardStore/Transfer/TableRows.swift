/// One value of a table row, in the storage classes every backend can read and write: what moves
/// an installation from one backend to another without either knowing the other's driver.
public enum TableValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A page of one table's rows, their values in the order of ``columns``.
public struct TableRows: Sendable {
    /// The table's column names, as the schema spells them.
    public let columns: [String]
    public let rows: [[TableValue]]
    /// Where the next page starts (pass it back as `after`); nil when this page is the last.
    public let next: Int64?

    public init(columns: [String], rows: [[TableValue]], next: Int64?) {
        self.columns = columns
        self.rows = rows
        self.next = next
    }

    /// The value of `column` in `row`, or `.null` when the table has no such column.
    public func value(_ column: String, in row: [TableValue]) -> TableValue {
        columns.firstIndex(of: column).map { row[$0] } ?? .null
    }
}
