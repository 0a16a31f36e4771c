import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import SwitchboardCore

/// The per-request context: who is calling, and how large a body this route accepts.
public struct AppRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Where a WebSocket route leaves its handler for the upgrade.
    public let webSocket: WebSocketHandlerReference<AppRequestContext>
    /// The authenticated agent, set by ``AgentAuthMiddleware``.
    public var agent: Agent?
    /// Where an agent's realtime socket starts reading the event log, fixed before the upgrade is answered.
    public var eventCursor: Int64?
    /// The largest request body accepted, set by ``RequestLimitMiddleware`` from the configuration.
    public var bodyLimit: Int = 1 << 20
    /// The client's IP address, for per-address rate limits: the socket's peer, or the address a trusted
    /// proxy forwarded (``ClientAddressMiddleware``); nil when unknown, e.g. in router tests.
    public var remoteAddress: String?
    /// The connection, so a WebSocket handler can close it when the peer holds up a shutdown.
    public let channel: (any Channel)?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
        self.channel = source.channel
    }

    public var maxUploadSize: Int { bodyLimit }

    /// The authenticated agent, or 401 when the route was reached without one.
    public func requireAgent() throws -> Agent {
        guard let agent else { throw APIError.unauthenticated("Sign in first: send Authorization: Bearer <token>.") }
        return agent
    }
}
