import Foundation
import GRDB
import SwitchboardCore
import SwitchboardStore

/// The embedded backend: one SQLite database in WAL mode, written through a group committer.
///
/// Reads go straight to the pool (readers never block the writer in WAL mode). Writes are queued
/// and committed in batches, each in its own savepoint, so many concurrent writers share one fsync
/// without giving up the promise that a caller hears back only after its write has committed.
public final class SQLiteStorage: Storage {
    let writer: any DatabaseWriter
    let committer: GroupCommitter
    private let checkpointer: WALCheckpointer?
    private let pointReader: PointReader?

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Each write of a group commit runs in a savepoint whose undo record would otherwise spill
            // to a temporary file for the whole batch: measured at ~58 write syscalls per message.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.writerThreshold)")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Self.syncEveryCommit(pool)
        try self.init(writer: pool, checkpointer: WALCheckpointer(path: path, configuration: configuration),
                      pointReader: PointReader(path: path, configuration: configuration))
    }

    /// FULL makes every commit durable across power loss, not only across a crash; group commit is what
    /// keeps that affordable. It is set here, once the pool exists, because a pool turns WAL on after
    /// `prepareDatabase` has run and then sets its writer to NORMAL (a power cut may then undo commits
    /// already acknowledged), which silently overrode the FULL set in `prepareDatabase`. Only the writer
    /// commits, so only its connection needs it.
    static func syncEveryCommit(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> SQLiteStorage {
        try SQLiteStorage(writer: DatabaseQueue())
    }

    init(writer: any DatabaseWriter, checkpointer: WALCheckpointer? = nil, pointReader: PointReader? = nil) throws {
        self.writer = writer
        self.checkpointer = checkpointer
        self.pointReader = pointReader
        self.committer = GroupCommitter(writer: writer, beforeCommit: MessageSearchIndex.indexPending)
        try Self.migrator.migrate(writer)
    }

    public var directory: any DirectoryStore { SQLiteDirectory(storage: self) }

    public var jobs: any JobQueue { SQLiteJobQueue(storage: self) }

    public func workspace(_ id: WorkspaceID) -> any WorkspaceStorage {
        SQLiteWorkspace(workspaceID: id, storage: self)
    }

    /// Runs `work` in the next group commit and returns its result once that commit is durable.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await committer.submit(work)
        } catch let error as DatabaseError {
            throw StorageError(error) ?? error
        }
    }

    func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.read(work)
    }

    /// A look-up of one row by key: on the caller's thread when the ``PointReader`` is free, else as
    /// ``read(_:)``.
    func pointRead<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let pointReader, let value = try pointReader.readIfIdle(work) { return value }
        return try await read(work)
    }
}
