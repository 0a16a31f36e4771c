import Foundation
import Logging
import SwitchboardPostgres
import SwitchboardSQLite
import SwitchboardStore

/// Opens the storage backend a configuration names. This is the only place that knows the backends.
public enum StorageFactory {
    /// The storage alone, for one-off commands (`admin create`): a PostgreSQL storage is started on
    /// its own and stops when released.
    public static func open(_ config: AppConfig) async throws -> any Storage {
        let logger = Logger(label: "switchboard")
        if let postgres = try postgresStorage(config, logger: logger) {
            postgres.start()
            return postgres
        }
        return try await open(config, logger: logger).storage
    }

    /// The backend the configuration names, its buses, and the services that must run with it.
    static func open(_ config: AppConfig, logger: Logger) async throws -> Backend {
        if let postgres = try postgresStorage(config, logger: logger) {
            let events = PostgresEventBus(storage: postgres, logger: logger)
            let signals = PostgresSignalBus(storage: postgres, logger: logger)
            // The storage comes first so that it is the last to stop.
            return Backend(storage: postgres, events: events, signals: signals, services: [postgres, events, signals],
                           isReadyAtOnce: false)
        }
        return Backend(storage: try openSQLite(config), events: LocalEventBus(), signals: LocalSignalBus(), services: [],
                       isReadyAtOnce: true)
    }

    static func isPostgres(_ url: String?) -> Bool {
        url.map { $0.hasPrefix("postgres://") || $0.hasPrefix("postgresql://") } ?? false
    }

    private static func postgresStorage(_ config: AppConfig, logger: Logger) throws -> PostgresStorage? {
        guard !config.inMemoryDatabase, let url = config.databaseURL, isPostgres(url) else { return nil }
        do {
            return try PostgresStorage(url: url, logger: logger)
        } catch {
            throw ConfigurationError("--database-url is not a PostgreSQL URL this server understands: \(error)")
        }
    }

    private static func openSQLite(_ config: AppConfig) throws -> any Storage {
        if config.inMemoryDatabase { return try SQLiteStorage.inMemory() }
        if let url = config.databaseURL {
            if url.hasPrefix("sqlite:") {
                return try openSQLite(at: String(url.dropFirst("sqlite:".count)))
            }
            throw ConfigurationError("--database-url must start with sqlite: or postgres://; got \(url.prefix(40)).")
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
