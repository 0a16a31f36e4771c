import Foundation

/// How both backends store a time: integer milliseconds since 1970 (BIGINT in PostgreSQL, INTEGER in
/// SQLite). Exact, sortable, and a `Date` read back equals the one written to the millisecond the
/// domain keeps, so the two databases hold the same numbers and a data move between them is lossless.
public enum Timestamp {
    public static func now() -> Int64 { milliseconds(Date()) }

    public static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    public static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    public static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map(date) }
}
