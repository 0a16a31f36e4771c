import Foundation

/// Times are stored as integer milliseconds since 1970: exact, sortable, the same in every backend.
enum Timestamp {
    static func now() -> Int64 { milliseconds(Date()) }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map(date) }
}
