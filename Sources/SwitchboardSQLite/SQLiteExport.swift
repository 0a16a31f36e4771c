import Foundation
import GRDB
import SwitchboardStore

/// A Switchboard SQLite database opened read-only and read table by table, for moving the
/// installation to another backend (`switchboard migrate-data`). Nothing is written, not even a
/// migration: a database that is not at this build's schema is refused.
///
/// Pages are read in `rowid` order, each in its own read; stop the server first so that the pages
/// and the counts describe one state of the database.
public struct SQLiteExport: InstallationSource {
    let reader: any DatabaseReader

    /// Opens the database at `path`. Throws ``SQLiteExportError`` when there is no file there, or it
    /// is not a Switchboard database at this build's schema.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw SQLiteExportError("there is no file at \(path)") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            reader = try DatabaseQueue(path: path, configuration: configuration)
            try reader.read { db in
                guard try db.tableExists("grdb_migrations") else {
                    throw SQLiteExportError("\(path) is not a Switchboard database")
                }
                guard try SQLiteStorage.migrator.hasCompletedMigrations(db) else {
                    throw SQLiteExportError("\(path) is at an older schema: start this version's server on it once to migrate it")
                }
                if try SQLiteStorage.migrator.hasBeenSuperseded(db) {
                    throw SQLiteExportError("\(path) was written by a newer Switchboard")
                }
            }
        } catch let error as DatabaseError {
            throw SQLiteExportError("\(path) is not a Switchboard database: \(error.message ?? "\(error.resultCode)")")
        }
    }

    public func rows(of table: String, after cursor: Int64?, limit: Int) async throws -> TableRows {
        let table = try Self.checked(table)
        return try await reader.read { db in
            let statement = try db.makeStatement(sql: """
                SELECT rowid AS "__rowid", * FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT ?
                """)
            var rows: [[TableValue]] = []
            var last: Int64?
            let cursor = try Row.fetchCursor(statement, arguments: [cursor ?? Int64.min, limit])
            while let row = try cursor.next() {
                last = row[0]
                rows.append(row.databaseValues.dropFirst().map(Self.value))
            }
            return TableRows(columns: Array(statement.columnNames.dropFirst()), rows: rows,
                             next: rows.count < limit ? nil : last)
        }
    }

    public func count(of table: String) async throws -> Int {
        let table = try Self.checked(table)
        return try await reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    /// Table names are spliced into the SQL (identifiers cannot be bound), so only known ones pass.
    private static func checked(_ table: String) throws -> String {
        guard InstallationTables.all.contains(table) else { throw SQLiteExportError("unknown table \(table)") }
        return table
    }

    private static func value(_ value: DatabaseValue) -> TableValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .blob([UInt8](data))
        }
    }
}

/// Why a database cannot be exported.
public struct SQLiteExportError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
