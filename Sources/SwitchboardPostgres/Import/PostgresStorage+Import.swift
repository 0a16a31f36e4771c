import NIOCore
import PostgresNIO
import SwitchboardStore

extension PostgresStorage {
    /// Rows read from the source at a time.
    static let importBatchRows = 2000
    /// Values one statement may bind (PostgreSQL's protocol counts them in 16 bits).
    static let maxBinds = 65_535

    /// Copies a whole installation into this database, which must hold none yet (only the default
    /// workspace the migrations create, which takes the source's values). One transaction: a copy
    /// that fails leaves the database as it was.
    ///
    /// Rows keep their ids and values. Search vectors are computed as this backend's writes compute
    /// them; an event's number becomes both its `seq` and its log `position`, so the ids clients hold
    /// stay valid and the sequencer numbers new events after them; the `seq` counters of events and
    /// jobs continue after the highest copied. Returns each table's row count as committed.
    /// Throws ``ImportTargetNotEmpty`` when the database already holds an installation.
    public func importInstallation(from source: any InstallationSource) async throws -> [String: Int] {
        try await write { session in
            let occupied = try await Self.occupiedTables(in: session)
            guard occupied.isEmpty else { throw ImportTargetNotEmpty(tables: occupied) }
            var handles = ContactHandles()
            try await Self.pages(of: "contact_handles", from: source) { handles.add($0) }
            for table in InstallationTables.all {
                try await Self.pages(of: table, from: source) { page in
                    try await Self.insert(page, into: table, handles: handles, in: session)
                }
            }
            for table in ["events", "jobs"] {
                try await session.run("""
                    SELECT setval(pg_get_serial_sequence(\(table), 'seq'),
                                  coalesce((SELECT max(seq) FROM \(unescaped: table)), 0) + 1, false)
                    """)
            }
            // Every workspace's number sequence continues after the numbers copied (the default
            // workspace existed before the copy, so its sequence started at 1).
            try await session.run("""
                SELECT setval(format('%I', 'conversation_numbers_' || id)::regclass, next_conversation_number, false)
                FROM workspaces
                """)
            return try await Self.counts(in: session)
        }
    }

    private static func pages(of table: String, from source: any InstallationSource,
                              _ body: (TableRows) async throws -> Void) async throws {
        var cursor: Int64?
        repeat {
            let page = try await source.rows(of: table, after: cursor, limit: importBatchRows)
            try await body(page)
            cursor = page.next
        } while cursor != nil
    }

    /// Inserts one page, in as few statements as the bind limit allows.
    private static func insert(_ page: TableRows, into table: String, handles: ContactHandles,
                               in session: Session) async throws {
        let rows = page.rows.map { ImportedRow($0, of: page, table: table, handles: handles) }
        guard let columns = rows.first?.columns else { return }
        // Table and column names are spliced into the text, so only plain identifiers pass.
        guard InstallationTables.all.contains(table), columns.allSatisfy(isPlainIdentifier) else {
            throw ImportInvalidColumn(table: table, columns: columns)
        }
        let perStatement = max(1, maxBinds / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            try await insert(rows[start..<min(start + perStatement, rows.count)], columns: columns, into: table, in: session)
        }
    }

    /// Inserts rows in one statement. The default workspace exists already and is updated.
    private static func insert(_ rows: ArraySlice<ImportedRow>, columns: [String], into table: String,
                               in session: Session) async throws {
        var binds = PostgresBindings(capacity: rows.count * columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            let cells = row.cells.map { cell in
                let placeholder = "$\(binds.count + 1)"
                switch cell {
                case .value(let value):
                    append(value, to: &binds)
                    return placeholder
                case .boolean(let flag):
                    binds.append(flag)
                    return placeholder
                case .searchDocument(let words):
                    binds.append(words)
                    return "to_tsvector('simple', \(placeholder))"
                }
            }
            tuples.append("(" + cells.joined(separator: ", ") + ")")
        }
        let onConflict = table == "workspaces"
            ? " ON CONFLICT (id) DO UPDATE SET " + columns.filter { $0 != "id" }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            : ""
        try await session.run(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))\(onConflict)
            """, binds: binds))
    }

    private static func append(_ value: TableValue, to binds: inout PostgresBindings) {
        switch value {
        case .null: binds.appendNull()
        case .integer(let integer): binds.append(integer)
        case .real(let real): binds.append(real)
        case .text(let text): binds.append(text)
        case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
        }
    }
}

/// The database already holds an installation: `switchboard migrate-data` copies only into an empty one.
public struct ImportTargetNotEmpty: Error, Sendable, CustomStringConvertible {
    /// The tables that hold rows.
    public let tables: [String]

    public var description: String { "the target database is not empty (rows in \(tables.joined(separator: ", ")))" }
}

/// A source table whose column names this backend will not splice into SQL.
struct ImportInvalidColumn: Error, CustomStringConvertible {
    let table: String
    let columns: [String]

    var description: String { "unexpected columns in \(table): \(columns.joined(separator: ", "))" }
}
