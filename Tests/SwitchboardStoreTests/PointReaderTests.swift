import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardSQLite
import SwitchboardStore
import Testing

/// Look-ups by key on a file database run on the caller's thread through a connection of their own
/// (`PointReader`): they must see every write committed before them, and a caller that finds that
/// connection busy must not wait for it.
@Suite("SQLite point reads")
struct PointReaderTests {
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("point-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory.appendingPathComponent("switchboard.sqlite").path)
    }

    @Test func lookUpsSeeWhatWasCommittedBeforeThem() async throws {
        try await Self.withDatabase { path in
            let storage = try SQLiteStorage(path: path)
            let admin = try await storage.directory.createFirstAdmin(
                NewAgent(email: "ada@example.com", name: "Ada", role: .admin, passwordHash: "h"),
                in: Workspace.defaultID, tokenDigest: "t1")
            #expect(try await storage.directory.agent(tokenDigest: "t1") == admin)
            #expect(try await storage.directory.agent(tokenDigest: "t2") == nil)

            let store = storage.workspace(Workspace.defaultID)
            let inbox = try await store.apiInbox()
            let first = try await store.receive("m1", in: inbox)
            #expect(try await store.conversation(first.conversation.id)?.conversation.unreadCount == 1)
            // A later write is seen by the next look-up: each read takes the newest snapshot.
            _ = try await store.receive("m2", in: inbox)
            #expect(try await store.conversation(first.conversation.id)?.conversation.unreadCount == 2)
        }
    }

    @Test func aBusyConnectionIsNotWaitedFor() async throws {
        try await Self.withDatabase { path in
            // The storage creates the schema and stays open: the last connection to close removes the log.
            let storage = try SQLiteStorage(path: path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let reader = try PointReader(path: path, configuration: configuration)
            let nested = try reader.readIfIdle { _ in
                try reader.readIfIdle { db in try Int.fetchOne(db, sql: "SELECT 1") }
            }
            // The outer read ran; the inner one found the connection busy and did not run.
            #expect(nested == .some(.none))
            #expect(try reader.readIfIdle { db in try Int.fetchOne(db, sql: "SELECT 42") } == .some(42))
            withExtendedLifetime(storage) {}
        }
    }
}
