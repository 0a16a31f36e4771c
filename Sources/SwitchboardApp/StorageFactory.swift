import Foundation
import Logging
import SwitchboardSQLite
import SwitchboardStore

/// Opens the storage backend a configuration names. This is the only place that knows the backends.
public enum StorageFactory {
    /// The storage alone, for one-off commands (`admin create`).
    public static func open(_ config: AppConfig) async throws -> any Storage {
        try await open(config, logger: Logger(label: "switchboard")).storage
    }

    static func open(_ config: AppConfig, logger: Logger) async throws -> Backend {
        let storage = try openSQLite(config)
        return Backend(storage: storage, events: LocalEventBus(), signals: LocalSignalBus(), services: [])
    }

    private static func openSQLite(_ config: AppConfig) throws -> any Storage {
        if config.inMemoryDatabase { return try SQLiteStorage.inMemory() }
        if let url = config.databaseURL {
            if url.hasPrefix("sqlite:") {
                return try openSQLite(at: String(url.dropFirst("sqlite:".count)))
            }
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                throw ConfigurationError("PostgreSQL is not available in this build yet; use the embedded SQLite database (leave --database-url unset).")
            }
            throw ConfigurationError("--database-url must start with sqlite: (or postgres:// once supported); got \(url.prefix(40)).")
        }
        let directory = URL(fileURLWithPath: config.dataDirectory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("Cannot create the data directory \(directory.path): \(error.localizedDescription)")
        }
        return try openSQLite(at: directory.appendingPathComponent("switchboard.sqlite").path)
    }

    private static func openSQLite(at path: String) throws -> any Storage {
        do {
            return try SQLiteStorage(path: path)
        } catch {
            throw ConfigurationError("Cannot open the database at \(path): \(error)")
        }
    }
}
