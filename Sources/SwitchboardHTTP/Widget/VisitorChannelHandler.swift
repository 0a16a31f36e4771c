import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import SwitchboardCore
import SwitchboardServices

/// A visitor's WebSocket, served on the channel's event loop with no task of its own.
///
/// Frames in: the visitor's text frames are acted on one after another by a task that exists while
/// some wait (``VisitorFrames``); pings are answered here, a close is echoed and ends the connection.
/// Frames out: the hub's connection writes them in order (``VisitorHub/Connection``), starting with
/// the hello. An idle visitor therefore costs the channel, its handlers and an entry in the hub.
final class VisitorChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let socket: VisitorSocket
    private let session: VisitorSession
    private let address: String?
    private var connection: VisitorHub.Connection?
    private var frames: VisitorFrames?
    private var closeSent = false

    init(socket: VisitorSocket, session: VisitorSession, address: String?) {
        self.socket = socket
        self.session = session
        self.address = address
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let writer = FrameWriter(channel: context.channel)
        let (socket, session) = (self.socket, self.session)
        // Registered before the history is read, so nothing committed in between is missed (the
        // widget drops a message it already has by id).
        let connection = socket.widget.connect(session, sink: Sink(socket: socket, session: session, writer: writer))
        let frames = VisitorFrames(socket: socket, session: session, address: address, connection: connection)
        self.connection = connection
        self.frames = frames
        connection.start {
            do {
                let (hello, conversation) = try await socket.hello(session)
                frames.noteConversation(conversation)
                return await writer.text(hello)
            } catch {
                socket.logger.warning("visitor socket greeting failed", metadata: ["error": "\(error)"])
                await writer.close(.unexpectedServerError)
                return false
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            connection?.touch()
            guard let text = String(validating: frame.unmaskedData.readableBytesView, as: UTF8.self) else {
                return close(context, .dataInconsistentWithMessage)
            }
            // Far more frames waiting than the per-visitor rate limit lets through: a flood.
            if frames?.enqueue(text) == false { close(context, .policyViolation) }
        case .binary:
            connection?.touch()
            connection?.send(.refused(code: "malformed_frame", message: "Send JSON text frames.", clientID: nil))
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            // The peer closes: answer with its code, then the connection ends.
            var data = frame.unmaskedData
            close(context, data.readWebSocketErrorCode() ?? .normalClosure)
        default:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // The server is shutting down: the widget reconnects (to another node, or after the restart).
            close(context, .goingAway)
        } else if let event = event as? ChannelEvent, case .inputClosed = event {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A fragmented message over the frame limit (the aggregator's errors); the decoder's own
        // errors were answered by the protocol error handler before this one.
        close(context, error is NIOWebSocketFrameAggregator.Error ? .messageTooLarge : .protocolError)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection?.finish()
        frames?.stop()
        context.fireChannelInactive()
    }

    /// Sends a close frame (once) and closes the connection after it.
    private func close(_ context: ChannelHandlerContext, _ code: WebSocketErrorCode) {
        guard !closeSent else { return context.close(promise: nil) }
        closeSent = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.close(code, allocator: channel.allocator)))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    /// Writes the hub's items to the socket.
    private struct Sink: VisitorSink {
        let socket: VisitorSocket
        let session: VisitorSession
        let writer: FrameWriter

        func write(_ item: VisitorFeed) async -> Bool {
            let text = await socket.frame(for: item, session).text()
            return await writer.text(text)
        }

        func close() async { await writer.close(.normalClosure) }
    }
}

/// Writes whole frames to a channel from any task.
struct FrameWriter: Sendable {
    let channel: any Channel

    /// Writes a text frame; false when the connection is gone. While the socket takes data the frame
    /// is handed to the event loop and this returns at once (frames from one task keep their order);
    /// once its send buffer is full, this waits for the write, so a visitor who stops reading holds up
    /// only its own writer, and its frames queue in the hub, which drops a socket too far behind.
    func text(_ text: String) async -> Bool {
        guard channel.isActive else { return false }
        let frame = WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text))
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(frame, promise: written)
        if channel.isWritable { return true }
        do {
            try await written.futureResult.get()
            return true
        } catch {
            return false
        }
    }

    /// Sends a close frame and closes the connection.
    func close(_ code: WebSocketErrorCode) async {
        try? await channel.writeAndFlush(WebSocketFrame.close(code, allocator: channel.allocator)).get()
        try? await channel.close().get()
    }
}

extension WebSocketFrame {
    /// A close frame carrying `code`.
    static func close(_ code: WebSocketErrorCode, allocator: ByteBufferAllocator) -> WebSocketFrame {
        var data = allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }
}

/// A visitor's text frames, acted on one at a time in arrival order by a task that exists only
/// while some are waiting (``OnDemandQueue``).
final class VisitorFrames: Sendable {
    /// Frames waiting; beyond this the socket is closed. The per-visitor rate limit refuses far earlier.
    static let maxPending = 64

    /// The visitor's conversation, for typing and read frames: from the hello, then the latest message.
    private final class Latest: Sendable {
        let conversation = Mutex<ConversationID?>(nil)
    }

    private let latest = Latest()
    private let frames: OnDemandQueue<String>

    init(socket: VisitorSocket, session: VisitorSession, address: String?, connection: VisitorHub.Connection) {
        let latest = self.latest
        frames = OnDemandQueue(limit: Self.maxPending) { text in
            let conversation = latest.conversation.withLock { $0 }
            if let started = await socket.handle(text, session: session, conversation: conversation, address: address,
                                                 connection: connection) {
                latest.conversation.withLock { $0 = started }
            }
            return true
        }
    }

    func noteConversation(_ conversation: ConversationID?) {
        latest.conversation.withLock { $0 = $0 ?? conversation }
    }

    /// Queues a frame; false when too many are waiting already.
    func enqueue(_ text: String) -> Bool { frames.offer(text) != .full }

    /// The connection ended: frames still waiting are dropped (their senders get no ack and resend).
    func stop() { frames.stop() }
}
