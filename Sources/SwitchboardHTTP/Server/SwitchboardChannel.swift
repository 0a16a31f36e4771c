import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The server's connections. Hummingbird serves HTTP and the agents' WebSockets, each connection in
/// a task of its own; a web-chat visitor's WebSocket is served by channel handlers alone
/// (``VisitorSocketUpgrade``), because a suspended task keeps its whole async stack — about 25 KiB
/// under Hummingbird's WebSocket handler — and thousands of visitor sockets sit idle most of the time.
/// Which of the two a connection gets is decided on its first request head.
public struct SwitchboardChannel: ServerChildChannel {
    public struct Value: ServerChildChannelValue {
        let route: EventLoopFuture<Route>
        public let channel: any Channel
    }

    enum Route: Sendable {
        case hummingbird(HTTP1WebSocketUpgradeChannel.Value)
        /// Served by channel handlers: the connection's task has nothing to do.
        case visitorSocket
    }

    let hummingbird: HTTP1WebSocketUpgradeChannel
    /// nil on nodes that do not serve the API: visitor upgrades then go to Hummingbird (and find no route).
    let visitorSockets: VisitorSocketUpgrade?
    /// nil on nodes that do not serve the API.
    let agentSockets: AgentUpgradeCheck?

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let route = channel.eventLoop.makePromise(of: Route.self)
            let sniffer = FirstRequestSniffer(
                decide: { isVisitorUpgrade in
                    if isVisitorUpgrade, let visitorSockets {
                        try visitorSockets.configure(channel)
                        route.succeed(.visitorSocket)
                    } else {
                        // Hummingbird's setup configures the pipeline synchronously on the event loop.
                        route.completeWith(hummingbird.setup(channel: channel, logger: logger).map(Route.hummingbird))
                    }
                },
                checkAgentUpgrade: agentSockets.map { check in { target in check.refusal(of: target, on: channel.eventLoop) } },
                failed: { error in route.fail(error) })
            try channel.pipeline.syncOperations.addHandler(sniffer)
            return Value(route: route.futureResult, channel: channel)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        guard case .hummingbird(let inner)? = try? await value.route.get() else { return }
        await hummingbird.handle(value: inner, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with WebSocket upgrades, visitor sockets on channel handlers (``SwitchboardChannel``).
    public static func switchboard(router: Router<AppRequestContext>, deps: APIDependencies, servesAPI: Bool,
                                   webSocket: WebSocketServerConfiguration) -> HTTPServerBuilder {
        let webSocketResponder = router.buildResponder()
        let visitorSockets = servesAPI ? VisitorSocketUpgrade(deps: deps) : nil
        let agentSockets = servesAPI ? AgentUpgradeCheck(deps: deps) : nil
        return HTTPServerBuilder { responder in
            SwitchboardChannel(
                hummingbird: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                          configuration: .init(ws: webSocket)),
                visitorSockets: visitorSockets, agentSockets: agentSockets)
        }
    }
}
