import HTTPTypes
import NIOCore

/// Holds a new connection's first bytes until its request head is complete, lets `decide` set up the
/// pipeline from it (is it a web-chat visitor's WebSocket upgrade?), then passes the bytes on to what
/// was set up and leaves the pipeline.
///
/// An agent's realtime upgrade is first checked by `checkAgentUpgrade`: a refused one is answered here
/// with the JSON error body (Hummingbird's WebSocket upgrade can only answer a bare 400), an admitted
/// one goes on to Hummingbird like any other request.
final class FirstRequestSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// What a connection's first request head is.
    enum FirstRequest: Equatable {
        case visitorUpgrade
        /// `GET /api/v1/realtime…` with `Upgrade: websocket`; the request target, query included.
        case agentUpgrade(target: String)
        case other
    }

    /// A head longer than this is not a socket upgrade; Hummingbird answers it as it sees fit.
    static let maxHeadSize = 16 * 1024
    static let socketPathPrefixes = [Array("GET /api/v1/widget/".utf8), Array("GET /api/v1/realtime".utf8)]

    private let decide: (_ isVisitorUpgrade: Bool) throws -> Void
    /// The refusal of an agent's upgrade (nil: admitted); nil on nodes that leave it all to Hummingbird.
    private let checkAgentUpgrade: ((_ target: String) -> EventLoopFuture<APIError?>)?
    private let failed: (any Error) -> Void
    private var buffered: ByteBuffer?
    private var checking = false
    private var decided = false

    init(decide: @escaping (_ isVisitorUpgrade: Bool) throws -> Void,
         checkAgentUpgrade: ((_ target: String) -> EventLoopFuture<APIError?>)? = nil,
         failed: @escaping (any Error) -> Void) {
        self.decide = decide
        self.checkAgentUpgrade = checkAgentUpgrade
        self.failed = failed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffered == nil { buffered = bytes } else { buffered!.writeBuffer(&bytes) }
        guard !checking, let pending = buffered, let first = Self.classify(pending) else { return }
        if case .agentUpgrade(let target) = first, let checkAgentUpgrade {
            checking = true
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            checkAgentUpgrade(target).hop(to: context.eventLoop).whenComplete { outcome in
                let (sniffer, context) = loopBound.value
                guard !sniffer.decided else { return }  // the connection ended meanwhile
                switch outcome {
                case .success(nil): sniffer.proceed(context, isVisitorUpgrade: false)
                case .success(let refusal?): sniffer.refuse(context, refusal)
                case .failure: sniffer.refuse(context, APIError(.internalServerError, code: "internal_error",
                                                                message: "The upgrade could not be checked; try again."))
                }
            }
            return
        }
        proceed(context, isVisitorUpgrade: first == .visitorUpgrade)
    }

    private func proceed(_ context: ChannelHandlerContext, isVisitorUpgrade: Bool) {
        decided = true
        let pending = buffered ?? context.channel.allocator.buffer(capacity: 0)
        buffered = nil
        do {
            try decide(isVisitorUpgrade)
        } catch {
            failed(error)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(wrapInboundOut(pending))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// Answers the refused upgrade with its JSON error and closes the connection.
    private func refuse(_ context: ChannelHandlerContext, _ refusal: APIError) {
        decided = true
        buffered = nil
        failed(ChannelError.inputClosed)
        let body = refusal.jsonBody
        let head = "HTTP/1.1 \(refusal.status.code) \(refusal.status.reasonPhrase)\r\n"
            + "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var response = context.channel.allocator.buffer(capacity: head.utf8.count + body.count)
        response.writeString(head)
        response.writeBytes(body)
        let channel = context.channel
        context.writeAndFlush(NIOAny(response)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Before the first head is complete nothing else is in the pipeline to act on these: a peer that
    /// half-closes (the server allows half-closure) or a server shutting down ends the connection here.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)
        } else if let event = event as? ChannelEvent, case .inputClosed = event {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !decided { failed(ChannelError.inputClosed) }
        decided = true
        context.fireChannelInactive()
    }

    /// Whether the head is `GET /api/v1/widget/{inbox}/ws` with `Upgrade: websocket`; nil while the
    /// head is still incomplete.
    static func isVisitorUpgrade(_ buffer: ByteBuffer) -> Bool? {
        classify(buffer).map { $0 == .visitorUpgrade }
    }

    /// What the first head is; nil while it is still incomplete and could be a socket upgrade.
    static func classify(_ buffer: ByteBuffer) -> FirstRequest? {
        let bytes = buffer.readableBytesView
        let couldBeSocket = socketPathPrefixes.contains { prefix in
            bytes.count >= prefix.count ? bytes.starts(with: prefix) : prefix.starts(with: bytes)
        }
        guard couldBeSocket else { return .other }
        guard let headEnd = bytes.firstRange(of: [13, 10, 13, 10]) else { return bytes.count > maxHeadSize ? .other : nil }
        let head = String(decoding: bytes[bytes.startIndex..<headEnd.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let requestLine = lines.first else { return .other }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[0] == "GET" else { return .other }
        let isUpgrade = lines.dropFirst().contains { line in
            let field = line.split(separator: ":", maxSplits: 1)
            return field.count == 2 && field[0].trimmingWhitespace().lowercased() == "upgrade"
                && field[1].trimmingWhitespace().lowercased() == "websocket"
        }
        guard isUpgrade else { return .other }
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        if VisitorSocketUpgrade.inbox(inPath: path) != nil { return .visitorUpgrade }
        if path == "/api/v1/realtime" { return .agentUpgrade(target: String(parts[1])) }
        return .other
    }
}

private extension Substring {
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
