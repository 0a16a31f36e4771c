import Logging
import PostgresNIO
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStore

/// The scale-out backend: every port on one PostgreSQL 15 database that many stateless nodes share.
///
/// Creating the storage opens nothing. ``run()`` (a `Service`, so the application's `ServiceGroup`
/// runs it) connects, migrates the schema once for all nodes, and serves until cancelled or shut
/// down gracefully; port calls made before the schema is ready wait for it. Programs without a
/// service group call ``start()`` instead.
///
/// Domain events are numbered after commit (see ``sequencePendingEvents()``): the events a write
/// returns carry `sequence` 0, and readers of the log see their positions.
public final class PostgresStorage: Storage, Service {
    let client: PostgresClient
    let gate = ReadyGate()
    let schema: String?
    let logger: Logger
    /// The advisory locks of this schema's migrations and event sequencer: per schema, so a database
    /// holding several installations (the tests make one per test) never makes them wait on each other.
    let migrationLockKey: Int64
    let sequencerLockKey: Int64
    /// Taken by writes that must see every admin of the installation stay put until they commit:
    /// first-run setup and demotions.
    let adminLockKey: Int64
    /// Finished when the storage is released: stops a storage started with ``start()``.
    let released = AsyncStream<Void>.makeStream()

    /// A storage for the database at `url` (`postgres://user[:password]@host[:port]/database[?sslmode=require]`).
    public convenience init(url: String, logger: Logger) throws(InvalidDatabaseURL) {
        self.init(configuration: try Configuration(url: url), logger: logger)
    }

    /// A storage for the database `configuration` describes; `logger` also receives the connection
    /// pool's own messages (failed connection attempts at `info`).
    public init(configuration: Configuration, logger: Logger) {
        if let schema = configuration.schema {
            precondition(Self.isPlainIdentifier(schema), "a schema name is lower-case letters, digits and _")
        }
        self.client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
        self.schema = configuration.schema
        self.logger = logger
        let scope = configuration.schema ?? ""
        self.migrationLockKey = Self.lockKey("switchboard.migrations/\(scope)")
        self.sequencerLockKey = Self.lockKey("switchboard.events/\(scope)")
        self.adminLockKey = Self.lockKey("switchboard.admins/\(scope)")
    }

    deinit {
        released.continuation.finish()
    }

    public var directory: any DirectoryStore { PostgresDirectory(storage: self) }

    public var jobs: any JobQueue { PostgresJobQueue(storage: self) }

    public func workspace(_ id: WorkspaceID) -> any WorkspaceStorage {
        PostgresWorkspace(workspaceID: id, storage: self)
    }

    /// Returns once the schema is migrated and the storage answers; throws why it never will (the
    /// migration failed, or the storage stopped).
    public func waitUntilReady() async throws {
        try await gate.wait()
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, scalars.count <= 63, !("0"..."9").contains(first) else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// A stable 64-bit key for an advisory lock (FNV-1a: the same on every node and every run).
    static func lockKey(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
