import PostgresNIO

/// Numbers the placeholders of a statement made of several parts (``MessageWrite``), so each part's
/// text can be written once and its values bound in the same order after the parts before it.
struct Placeholders {
    private(set) var next = 1

    /// The next `count` placeholders, `$n, $n+1, …`.
    mutating func take(_ count: Int) -> [String] {
        defer { next += count }
        return (next..<next + count).map { "$\($0)" }
    }

    mutating func take() -> String { take(1)[0] }
}
