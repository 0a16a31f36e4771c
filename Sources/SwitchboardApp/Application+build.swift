import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import UnixSignals
import SwitchboardChannels
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
    let parts = try await buildParts(config, metrics: metrics, logger: logger)
    let router = parts.router
    return Application(
        router: router,
        server: .switchboard(router: router, deps: parts.deps, servesAPI: config.role.servesAPI,
                             webSocket: WebSocketServerConfiguration(
                                 // Every socket's frames are small JSON; the widget's limit bounds them all.
                                 maxFrameSize: config.widgetLimits.maxFrameSize,
                                 // Pings come from a channel handler per socket (WebSocketKeepAlive), not a task.
                                 autoPing: .disabled)),
        configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: "Switchboard"),
        services: parts.services,
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
    var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    // A last resort behind the sockets' own bound (SocketShutdown): whatever still runs is cancelled.
    configuration.maximumGracefulShutdownDuration = .seconds(30)
    return ServiceGroup(configuration: configuration)
}

/// The router with every route and its services: what ``buildApplication(_:metrics:onServerRunning:)``
/// serves, exposed so tests can list the routes.
public func buildRouter(_ config: AppConfig, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                        logger: Logger = Logger(label: "switchboard")) async throws -> Router<AppRequestContext> {
    try await buildParts(config, metrics: metrics, logger: logger).router
}

/// The router and the long-running services behind it: the backend's, the visitor hub on nodes that
/// serve the API, the job worker on nodes that run jobs.
func buildParts(_ config: AppConfig, metrics: PrometheusCollectorRegistry,
                logger: Logger) async throws -> (router: Router<AppRequestContext>, deps: APIDependencies, services: [any Service]) {
    let backend = try await StorageFactory.open(config, logger: logger)
    let (storage, events, signals) = (backend.storage, backend.events, backend.signals)
    let presence = PresenceRegistry(signals: signals)
    let hub = VisitorHub(events: events, signals: signals)
    let auth = AuthService(storage: storage, bcryptCost: config.bcryptCost)
    let readiness = Readiness()
    let deps = APIDependencies(
        auth: auth,
        inboxes: InboxService(storage: storage, publicURL: config.resolvedPublicURL),
        ingest: IngestService(storage: storage, events: events, logger: logger),
        conversations: ConversationService(storage: storage, events: events, signals: signals, logger: logger),
        realtime: RealtimeService(storage: storage, events: events, signals: signals, presence: presence),
        widget: WidgetService(storage: storage, events: events, signals: signals, hub: hub, presence: presence,
                              limits: config.widgetLimits, logger: logger),
        attachments: AttachmentService(storage: storage, files: AttachmentFiles(directory: config.resolvedAttachmentDirectory),
                                       policy: config.attachmentPolicy),
        cannedResponses: CannedResponseService(storage: storage),
        labels: LabelService(storage: storage),
        metrics: metrics,
        readiness: readiness,
        bodyLimit: config.bodyLimit,
        trustedProxies: Set(config.trustedProxies), socketKeepAlive: config.socketKeepAlive)
    var services = backend.services
    let startup = StartupService(admin: config.initialAdmin, storage: storage, auth: auth, readiness: readiness, logger: logger)
    // A storage that is ready now gets its admin before the first request can arrive.
    if backend.isReadyAtOnce { try await startup.finishStarting() } else { services.append(startup) }
    if config.role.servesAPI { services.append(contentsOf: [hub, presence] as [any Service]) }
    if config.role.runsJobs {
        // The worker is listed after the client it delivers with, so it stops first.
        let http = OutboundHTTPClient()
        services.append(http)
        services.append(JobWorker(queue: storage.jobs, handlers: [
            UnsnoozeJob(storage: storage, events: events),
            MessageDeliveryJob(storage: storage, events: events, http: http, publicURL: config.resolvedPublicURL, logger: logger),
        ], logger: logger))
    }
    return (try buildRouter(deps, includeAPI: config.role.servesAPI), deps, services)
}
