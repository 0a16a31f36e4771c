import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Synchronization
import SwitchboardCore
import SwitchboardServices

/// Upgrades `GET /api/v1/widget/{inbox_id}/ws?visitor_token=...` to a visitor's WebSocket served by
/// channel handlers (``VisitorChannelHandler``), with no task per connection (see ``SwitchboardChannel``).
///
/// The token is checked before the upgrade is answered; a refused upgrade gets the JSON error body
/// (401 for a bad token) and the connection is closed.
struct VisitorSocketUpgrade: Sendable {
    let socket: VisitorSocket
    let keepAlive: Duration
    let trustedProxies: Set<String>

    init(deps: APIDependencies) {
        socket = VisitorSocket(widget: deps.widget, logger: Logger(label: "switchboard.widget"))
        keepAlive = deps.socketKeepAlive
        trustedProxies = deps.trustedProxies
    }

    /// What the upgrade decided, handed from the admission check to the pipeline it sets up.
    private final class Admission: Sendable {
        let outcome = Mutex<Result<(VisitorSession, address: String?), APIError>?>(nil)
    }

    /// Sets up the connection's pipeline: HTTP/1 until the upgrade, then the visitor's socket.
    func configure(_ channel: any Channel) throws {
        let admission = Admission()
        let maxFrameSize = socket.widget.limits.maxFrameSize
        let upgrader = NIOTypedWebSocketServerUpgrader<Void>(
            maxFrameSize: maxFrameSize,
            shouldUpgrade: { channel, head in
                let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                promise.completeWithTask {
                    let outcome = await admit(head, peer: channel.remoteAddress?.ipAddress)
                    admission.outcome.withLock { $0 = outcome }
                    return if case .success = outcome { HTTPHeaders() } else { nil }
                }
                return promise.futureResult
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    guard case .success(let (session, address))? = admission.outcome.withLock({ $0 }) else {
                        throw ChannelError.inappropriateOperationForState
                    }
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(WebSocketKeepAlive(interval: TimeAmount(keepAlive)), position: .first)
                    try pipeline.addHandler(NIOWebSocketFrameAggregator(
                        minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 64, maxAccumulatedFrameSize: maxFrameSize))
                    try pipeline.addHandler(VisitorChannelHandler(socket: socket, session: session, address: address))
                }
            })
        var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Void>(
            upgradeConfiguration: NIOTypedHTTPServerUpgradeConfiguration(upgraders: [upgrader]) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let refusal = switch admission.outcome.withLock({ $0 }) {
                    case .failure(let error)?: error
                    default: APIError(.badRequest, code: "bad_request",
                                      message: "This address takes a WebSocket upgrade (Upgrade: websocket).")
                    }
                    try channel.pipeline.syncOperations.addHandler(RefusedUpgradeResponder(refusal: refusal))
                }
            })
        configuration.enablePipelining = false
        _ = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
    }

    /// The inbox id of a visitor socket's path, `/api/v1/widget/{inbox_id}/ws`; nil for any other path.
    static func inbox(inPath path: Substring) -> Substring? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 6, segments[0].isEmpty, segments[1] == "api", segments[2] == "v1", segments[3] == "widget",
              segments[5] == "ws", !segments[4].isEmpty
        else { return nil }
        return segments[4]
    }

    /// The visitor behind the request, or why not.
    private func admit(_ head: HTTPRequestHead, peer: String?) async -> Result<(VisitorSession, address: String?), APIError> {
        let components = URLComponents(string: head.uri)
        guard let inbox = Self.inbox(inPath: Substring(components?.path ?? "")) else { return .failure(.notFound("inbox")) }
        let token = components?.queryItems?.first { $0.name == "visitor_token" }?.value ?? ""
        let address = ClientAddressMiddleware.clientAddress(
            peer: peer, forwardedFor: head.headers["X-Forwarded-For"], trustedProxies: trustedProxies)
        do {
            return .success((try await socket.widget.session(token: token, inbox: InboxID(String(inbox))), address))
        } catch {
            return .failure(ErrorMiddleware.apiError(for: error, logger: socket.logger))
        }
    }
}

/// Answers a refused upgrade with the JSON error body and closes the connection.
private final class RefusedUpgradeResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let refusal: APIError

    init(refusal: APIError) {
        self.refusal = refusal
    }

    /// Answers at once: the upgrade handler consumed the request head while deciding, and the rest of
    /// the request is not needed.
    func handlerAdded(context: ChannelHandlerContext) {
        let body = context.channel.allocator.buffer(bytes: refusal.jsonBody)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        let status = HTTPResponseStatus(statusCode: refusal.status.code)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
