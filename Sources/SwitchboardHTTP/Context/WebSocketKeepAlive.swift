import NIOCore

/// Pings a quiet WebSocket peer and closes the connection when it stays silent.
///
/// A channel handler at the front of the pipeline instead of the WebSocket library's ping task: a
/// task per socket costs kilobytes that thousands of idle visitor sockets would each keep. The checks
/// come from the event loop's ``KeepAliveWheel``, one timer for all its sockets. Anything the peer sends
/// proves it alive (a pong, a message); a socket silent since its last check is pinged, and if it sends
/// nothing until the next one the connection is closed. The ping is a complete unmasked frame (server
/// frames are never masked), written between whole frames because everything here runs on the
/// channel's event loop.
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
    /// Set while the socket is on a wheel: the context to ping or close through, and where it sits.
    private var membership: (context: ChannelHandlerContext, wheel: KeepAliveWheel, slot: Int)?

    init(interval: TimeAmount) {
        self.interval = interval
    }

    /// Puts a keep-alive in front of an upgraded WebSocket's pipeline.
    static func install(on channel: (any Channel)?, interval: Duration) async throws {
        guard let channel else { return }
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(WebSocketKeepAlive(interval: TimeAmount(interval)), position: .first)
        }.get()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let wheel = KeepAliveWheel.on(context.eventLoop, interval: interval)
        membership = (context, wheel, wheel.add(self))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leaveWheel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        leaveWheel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        heardSinceLastCheck = true
        pingOutstanding = false
        context.fireChannelRead(data)
    }

    /// Called by the wheel once per interval.
    func check() {
        guard let context = membership?.context else { return }
        if heardSinceLastCheck {
            heardSinceLastCheck = false
            return
        }
        if pingOutstanding {
            // Silent for two intervals, the second after a ping: gone without a close.
            leaveWheel()
            context.close(promise: nil)
            return
        }
        pingOutstanding = true
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: Self.pingFrame)), promise: nil)
    }

    /// Off the wheel, dropping the context it held (the wheel holds this handler, the handler the context).
    private func leaveWheel() {
        guard let (_, wheel, slot) = membership else { return }
        membership = nil
        wheel.remove(self, from: slot)
    }
}
