import ArgumentParser
import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore

/// `switchboard migrate-data`: moves an installation from its SQLite database into PostgreSQL.
struct MigrateData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-data",
        abstract: "Copy a whole installation from its SQLite database into an empty PostgreSQL database.",
        discussion: """
            Stop the server first. The target is migrated to the current schema and must hold no data yet; \
            everything is copied in one transaction, then the row counts of both sides are compared \
            (exit status 1 when any differ). Attachment files are not in the database: copy the \
            attachments directory to where the new nodes read it, or pass --attachments-from and \
            --attachments-to to have every referenced file copied and checked.
            """)

    @Option(help: "The SQLite database: sqlite:PATH (by default at ./switchboard-data/switchboard.sqlite).")
    var from: String

    @Option(help: "The empty PostgreSQL database: postgres://user[:password]@host[:port]/database.")
    var to: String

    @Option(help: "Copy the attachment files from this directory (the old data directory's attachments/).")
    var attachmentsFrom: String?

    @Option(help: "Directory the new nodes keep attachment files in (with --attachments-from).")
    var attachmentsTo: String?

    func validate() throws {
        if (attachmentsFrom == nil) != (attachmentsTo == nil) {
            throw ValidationError("--attachments-from and --attachments-to go together.")
        }
    }

    func run() async throws {
        var files: DataMigration.AttachmentDirectories?
        if let attachmentsFrom, let attachmentsTo { files = .init(from: attachmentsFrom, to: attachmentsTo) }
        let migration = try DataMigration(from: from, to: to, attachmentFiles: files)
        var logger = Logger(label: "switchboard.migrate-data")
        logger.logLevel = .error
        let report = try await migration.run(logger: logger)
        print(report)
        if let copied = report.copiedAttachmentFiles {
            print("Attachment files: \(copied) copied to (or found in) \(attachmentsTo ?? "") and checked.")
        } else {
            print("Attachment files were not copied: make the old attachments directory available to the new nodes.")
        }
        print("Done in \(String(format: "%.1f", report.duration.inSeconds)) s.")
        guard report.isComplete else {
            FileHandle.standardError.write(Data("Error: the row counts differ (see MISMATCH above).\n".utf8))
            throw ExitCode.failure
        }
    }
}
