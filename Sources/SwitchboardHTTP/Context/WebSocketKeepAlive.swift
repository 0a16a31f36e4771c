import NIOCore

/// Pings a quiet WebSocket peer and closes the connection when it stays silent.
///
/// A channel handler at the front of the pipeline instead of the WebSocket library's ping task: a
/// task per socket costs kilobytes that thousands of idle visitor sockets would each keep, a timer on
/// the event loop costs a few bytes. Anything the peer sends proves it alive (a pong, a message);
/// after `interval` of silence it is pinged, and if it sends nothing for another `interval` the
/// connection is closed. The ping is a complete unmasked frame (server frames are never masked),
/// written between whole frames because everything here runs on the channel's event loop.
final class WebSocketKeepAlive: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// FIN + opcode 0x9 (ping), no payload.
    static let pingFrame: [UInt8] = [0x89, 0x00]

    private let interval: TimeAmount
    private var heardSinceLastCheck = true
    private var pingOutstanding = false
    private var timer: RepeatedTask?

    init(interval: TimeAmount) {
        self.interval = interval
    }

    /// Puts a keep-alive in front of an upgraded WebSocket's pipeline.
    static func install(on channel: (any Channel)?, interval: Duration) async throws {
        guard let channel else { return }
        try await channel.pipeline.addHandler(WebSocketKeepAlive(interval: TimeAmount(interval)), position: .first)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (handler, context) = loopBound.value
            handler.check(context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        heardSinceLastCheck = true
        pingOutstanding = false
        context.fireChannelRead(data)
    }

    private func check(_ context: ChannelHandlerContext) {
        if heardSinceLastCheck {
            heardSinceLastCheck = false
            return
        }
        if pingOutstanding {
            // Silent for two intervals, the second after a ping: gone without a close.
            timer?.cancel()
            context.close(promise: nil)
            return
        }
        pingOutstanding = true
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: Self.pingFrame)), promise: nil)
    }
}
