import NIOCore

/// Holds a new connection's first bytes until its request head is complete, lets `decide` set up the
/// pipeline from it (is it a web-chat visitor's WebSocket upgrade?), then passes the bytes on to what
/// was set up and leaves the pipeline.
final class FirstRequestSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// A head longer than this is not a visitor upgrade; Hummingbird answers it as it sees fit.
    static let maxHeadSize = 16 * 1024
    static let visitorPathPrefix = Array("GET /api/v1/widget/".utf8)

    private let decide: (_ isVisitorUpgrade: Bool) throws -> Void
    private let failed: (any Error) -> Void
    private var buffered: ByteBuffer?
    private var decided = false

    init(decide: @escaping (_ isVisitorUpgrade: Bool) throws -> Void, failed: @escaping (any Error) -> Void) {
        self.decide = decide
        self.failed = failed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffered == nil { buffered = bytes } else { buffered!.writeBuffer(&bytes) }
        guard let pending = buffered, let isVisitorUpgrade = Self.isVisitorUpgrade(pending) else { return }
        decided = true
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
        let bytes = buffer.readableBytesView
        guard let headEnd = bytes.firstRange(of: [13, 10, 13, 10]) else {
            return bytes.count > maxHeadSize || !bytes.starts(with: visitorPathPrefix.prefix(bytes.count)) ? false : nil
        }
        guard bytes.starts(with: visitorPathPrefix) else { return false }
        let head = String(decoding: bytes[bytes.startIndex..<headEnd.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let requestLine = lines.first else { return false }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3 else { return false }
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard VisitorSocketUpgrade.inbox(inPath: path) != nil else { return false }
        return lines.dropFirst().contains { line in
            let field = line.split(separator: ":", maxSplits: 1)
            return field.count == 2 && field[0].trimmingWhitespace().lowercased() == "upgrade"
                && field[1].trimmingWhitespace().lowercased() == "websocket"
        }
    }
}

private extension Substring {
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
