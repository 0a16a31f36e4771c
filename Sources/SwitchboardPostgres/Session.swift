import Logging
import PostgresNIO

/// A leased connection (inside a transaction for writes) with the few ways the stores use it.
/// It lives only as long as the closure it was handed to, like the connection itself.
struct Session {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs a statement and drops whatever rows it returns.
    func run(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger).consume()
    }

    func rows<T>(_ query: PostgresQuery, _ read: (Columns) throws -> T) async throws -> [T] {
        var values: [T] = []
        for try await row in try await connection.query(query, logger: logger) {
            values.append(try read(Columns(row)))
        }
        return values
    }

    /// The first row's value, or nil when there is no row (the rest, if any, is dropped).
    func row<T>(_ query: PostgresQuery, _ read: (Columns) throws -> T) async throws -> T? {
        var result: T?
        for try await row in try await connection.query(query, logger: logger) where result == nil {
            result = try read(Columns(row))
        }
        return result
    }

    /// The first column of the first row.
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        try await row(query) { try $0.first(T.self) }
    }

    /// Runs a statement the connection prepares on first use (parsed and planned once, not per call).
    func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] {
        var rows: [Statement.Row] = []
        for try await row in try await connection.execute(statement, logger: logger) {
            rows.append(row)
        }
        return rows
    }

    /// How many rows a statement returned (for writes, its `RETURNING` rows: how many it changed).
    func count(_ query: PostgresQuery) async throws -> Int {
        try await rows(query) { _ in () }.count
    }
}

/// The columns of one result row, read by name.
struct Columns {
    private let row: PostgresRow
    private let named: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row
        self.named = row.makeRandomAccess()
    }

    func callAsFunction<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try named[name].decode(T.self)
    }

    func first<T: PostgresDecodable>(_ type: T.Type) throws -> T {
        try row.decode(T.self)
    }
}

extension PostgresRowSequence {
    /// Reads the rest of the result, so the connection is free for the next statement.
    func consume() async throws {
        for try await _ in self {}
    }
}
