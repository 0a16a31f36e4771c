import Foundation
import GRDB
@testable import SwitchboardSQLite
import Testing

/// An acknowledged write survives a power cut: the writer syncs the log at every commit.
@Suite("SQLite durability")
struct SQLiteDurabilityTests {
    @Test func theWriterSyncsEveryCommit() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SQLiteStorage(path: directory.appendingPathComponent("switchboard.sqlite").path)
        // Asked on the writer's own connection: readers never commit, and GRDB's pool had set its writer to
        // NORMAL (1) after the FULL (2) of `prepareDatabase`.
        let level = try await storage.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(level == 2)
        let mode = try await storage.writer.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }
}
