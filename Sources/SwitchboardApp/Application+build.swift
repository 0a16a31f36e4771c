import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import UnixSignals
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardServices
import SwitchboardSQLite
import SwitchboardStore

/// Builds the whole application from a configuration: the one composition root. Tests call it
/// with ``AppConfig/testing()``.
///
/// - Parameters:
///   - metrics: where metrics are collected; `/metrics` emits it.
///   - onServerRunning: called with the bound address once the server listens.
public func buildApplication(
    _ config: AppConfig,
    metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "switchboard")
    logger.logLevel = config.logLevel
    let router = try await buildRouter(config, metrics: metrics, logger: logger)
    return Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: WebSocketServerConfiguration(
            maxFrameSize: 1 << 16, autoPing: .enabled(timePeriod: .seconds(30)))),
        configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: "Switchboard"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? config.port
            await onServerRunning("http://\(config.host):\(port)")
        },
        logger: logger)
}

/// The service group `switchboard serve` runs: the application, stopped gracefully on SIGINT or SIGTERM
/// (in-flight requests finish and their writes commit before the process exits).
public func buildServiceGroup(
    _ config: AppConfig,
    metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) async throws -> ServiceGroup {
    var logger = Logger(label: "switchboard")
    logger.logLevel = config.logLevel
    let app = try await buildApplication(config, metrics: metrics, onServerRunning: onServerRunning)
    return ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
}

/// The router with every route and its services: what ``buildApplication(_:metrics:onServerRunning:)``
/// serves, exposed so tests can list the routes.
public func buildRouter(_ config: AppConfig, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                        logger: Logger = Logger(label: "switchboard")) async throws -> Router<AppRequestContext> {
    let storage = try StorageFactory.open(config)
    let events = LocalEventBus()
    let auth = AuthService(storage: storage, bcryptCost: config.bcryptCost)
    if let admin = config.initialAdmin, try await !storage.directory.hasAdmin() {
        _ = try await auth.createAgent(in: Workspace.defaultID, email: admin.email, name: admin.name,
                                       password: admin.password, role: .admin)
    }
    let deps = APIDependencies(
        auth: auth,
        inboxes: InboxService(storage: storage, publicURL: config.resolvedPublicURL),
        ingest: IngestService(storage: storage, events: events, logger: logger),
        conversations: ConversationService(storage: storage, events: events, logger: logger),
        realtime: RealtimeService(storage: storage, events: events),
        metrics: metrics,
        bodyLimit: config.bodyLimit)
    return try buildRouter(deps)
}
