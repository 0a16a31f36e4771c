import Foundation
import Logging
import SwitchboardPostgres
import SwitchboardSQLite
import SwitchboardStore

/// Moves a whole installation from its SQLite database into an empty PostgreSQL database
/// (`switchboard migrate-data`): every table in one PostgreSQL transaction, then the row counts of
/// both sides compared. Stop the server before running it, so that the copy is of one state.
///
/// Attachment files are not in the database: they stay content-addressed under the data directory,
/// and the new nodes must see the same files. ``attachmentFiles`` copies them, checking each one.
public struct DataMigration: Sendable {
    /// Where attachment files are read and written (the `attachments/` directory of each installation).
    public struct AttachmentDirectories: Sendable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// The SQLite database file.
    public var sourcePath: String
    /// Where the installation goes.
    public var target: PostgresStorage.Configuration
    /// Copy the files every attachment row names, or leave them (nil).
    public var attachmentFiles: AttachmentDirectories?

    /// A migration from `from` (`sqlite:PATH`) to `to` (`postgres://…`). Throws ``DataMigrationError``
    /// for anything else.
    public init(from: String, to: String, attachmentFiles: AttachmentDirectories? = nil) throws(DataMigrationError) {
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw DataMigrationError("--from must be sqlite:PATH; got \(from.prefix(40))")
        }
        guard StorageFactory.isPostgres(to) else { throw DataMigrationError("--to must be a postgres:// URL") }
        do {
            self.target = try PostgresStorage.Configuration(url: to)
        } catch {
            throw DataMigrationError(error.description)
        }
        self.sourcePath = String(from.dropFirst("sqlite:".count))
        self.attachmentFiles = attachmentFiles
    }

    /// Copies the installation and reports the row counts of both sides; the caller decides what a
    /// mismatch means (the CLI exits non-zero). Throws ``DataMigrationError`` when the source is no
    /// Switchboard database, the target is not empty, or an attachment file is missing; nothing is
    /// written to the target then.
    public func run(logger: Logger) async throws -> DataMigrationReport {
        let started = ContinuousClock.now
        let source: SQLiteExport
        do {
            source = try SQLiteExport(path: sourcePath)
        } catch let error as SQLiteExportError {
            throw DataMigrationError("cannot read the source: \(error.description)")
        }
        var copiedFiles: Int?
        if let attachmentFiles { copiedFiles = try await copyAttachmentFiles(from: source, attachmentFiles) }
        let storage = PostgresStorage(configuration: target, logger: logger)
        storage.start()
        try await storage.waitUntilReady()
        do {
            _ = try await storage.importInstallation(from: source)
        } catch let error as ImportTargetNotEmpty {
            throw DataMigrationError("refusing to copy: \(error.description)")
        }
        let targetCounts = try await storage.tableCounts()
        var rows: [DataMigrationReport.Row] = []
        for table in InstallationTables.all {
            rows.append(.init(table: table, source: try await source.count(of: table), target: targetCounts[table] ?? 0))
        }
        return DataMigrationReport(tables: rows, copiedAttachmentFiles: copiedFiles, duration: ContinuousClock.now - started)
    }
}

/// Why an installation cannot be migrated, said for the person running the command.
public struct DataMigrationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
