import Hummingbird
import Logging
import NIOCore
import Prometheus
import SwitchboardServices

/// Everything the HTTP layer needs, built by the composition root.
public struct APIDependencies: Sendable {
    public let auth: AuthService
    public let inboxes: InboxService
    public let ingest: IngestService
    public let conversations: ConversationService
    public let realtime: RealtimeService
    public let widget: WidgetService
    public let attachments: AttachmentService
    public let cannedResponses: CannedResponseService
    public let labels: LabelService
    public let metrics: PrometheusCollectorRegistry
    /// Set once the node has started; `/healthz` reports it.
    public let readiness: Readiness
    /// Largest accepted request body in bytes.
    public let bodyLimit: Int
    /// Reverse proxies whose `X-Forwarded-For` names the client (exact IP addresses).
    public let trustedProxies: Set<String>
    /// WebSockets (agents' and visitors') are pinged after this long without a frame from the peer and
    /// closed after as long again.
    public let socketKeepAlive: Duration

    public init(auth: AuthService, inboxes: InboxService, ingest: IngestService, conversations: ConversationService,
                realtime: RealtimeService, widget: WidgetService, attachments: AttachmentService,
                cannedResponses: CannedResponseService, labels: LabelService, metrics: PrometheusCollectorRegistry,
                readiness: Readiness, bodyLimit: Int, trustedProxies: Set<String> = [],
                socketKeepAlive: Duration = .seconds(30)) {
        self.auth = auth
        self.inboxes = inboxes
        self.ingest = ingest
        self.conversations = conversations
        self.realtime = realtime
        self.widget = widget
        self.attachments = attachments
        self.cannedResponses = cannedResponses
        self.labels = labels
        self.metrics = metrics
        self.readiness = readiness
        self.bodyLimit = bodyLimit
        self.trustedProxies = trustedProxies
        self.socketKeepAlive = socketKeepAlive
    }
}

/// Builds the router: system routes, then (unless `includeAPI` is false, as on a worker-only node)
/// the widget and `/api/v1` with public, inbox-token and agent-token groups.
public func buildRouter(_ deps: APIDependencies, includeAPI: Bool = true) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware {
        ErrorMiddleware()
        MetricsMiddleware()
        RequestLimitMiddleware(bodyLimit: deps.bodyLimit, uploadLimit: deps.attachments.policy.maxSize)
        ClientAddressMiddleware(trustedProxies: deps.trustedProxies)
    }
    let openAPI = ByteBuffer(bytes: try OpenAPIDocument.json())
    router.addRoutes(SystemController(metrics: deps.metrics, openAPI: openAPI, readiness: deps.readiness).endpoints)
    guard includeAPI else { return router }
    router.addRoutes(WidgetScriptController(script: try WidgetScriptController.loadScript()).endpoints)
    router.addRoutes(WorkspaceAppController(assets: try WorkspaceAppController.loadAssets()).endpoints)

    let auth = AuthController(auth: deps.auth)
    let inboxes = InboxController(inboxes: deps.inboxes, ingest: deps.ingest, attachments: deps.attachments)
    let api = router.group("api/v1")
    api.addRoutes(auth.publicEndpoints)
    api.addRoutes(SetupController(auth: deps.auth).endpoints)
    api.addRoutes(inboxes.inboundEndpoints)
    api.addRoutes(RealtimeController(deps: deps).endpoints)
    api.addRoutes(WidgetController(widget: deps.widget, attachments: deps.attachments).endpoints)
    let agents = api.group().add(middleware: AgentAuthMiddleware(auth: deps.auth))
    agents.addRoutes(auth.endpoints)
    agents.addRoutes(inboxes.endpoints)
    agents.addRoutes(ConversationController(conversations: deps.conversations).endpoints)
    agents.addRoutes(ContactController(conversations: deps.conversations).endpoints)
    agents.addRoutes(AttachmentController(attachments: deps.attachments).endpoints)
    agents.addRoutes(CannedResponseController(cannedResponses: deps.cannedResponses).endpoints)
    agents.addRoutes(LabelController(labels: deps.labels).endpoints)
    return router
}
