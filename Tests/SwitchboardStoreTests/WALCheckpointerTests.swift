import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardSQLite
import SwitchboardStore
import Testing

/// The write-ahead log is copied into the database file by a connection of its own, not by the writer.
@Suite("SQLite WAL checkpointer")
struct WALCheckpointerTests {
    static func fileSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    @Test func theLogReachesTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("switchboard.sqlite").path
        let storage = try SQLiteStorage(path: path)
        // The writer's own checkpoint is only a backstop, far beyond what this test writes. Asked on the writer's
        // connection: a pool's `read` would answer from a reader, which never checkpoints.
        let threshold = try await storage.writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
        }
        #expect(threshold == WALCheckpointer.writerThreshold)

        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.apiInbox()
        try await Task.sleep(for: .milliseconds(300))  // the schema reaches the file first
        let before = Self.fileSize(path)
        for n in 0..<200 { _ = try await store.receive("m\(n)", from: "c\(n)", in: inbox, content: String(repeating: "parcel \(n) ", count: 40)) }
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.fileSize(path) <= before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(Self.fileSize(path) > before, "the messages were copied from the log into the database file")
        #expect(try await store.search("parcel", limit: 500, inboxes: nil).messages.count == 200)
    }
}
