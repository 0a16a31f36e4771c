import NIOCore
import NIOEmbedded
@testable import SwitchboardHTTP
import Testing

/// The keep-alive checks on a virtual clock: many sockets on one event loop, one timer.
@Suite("Keep-alive wheel")
struct KeepAliveWheelTests {
    /// 32 slots of 10 ms.
    static let interval = TimeAmount.milliseconds(320)
    static let tick = TimeAmount.milliseconds(10)

    /// An open socket with a keep-alive in front, on `loop`.
    static func socket(on loop: EmbeddedEventLoop) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.pipeline.syncOperations.addHandler(WebSocketKeepAlive(interval: interval))
        return channel
    }

    /// Whether the socket has written a ping since the last look.
    static func pinged(_ channel: EmbeddedChannel) throws -> Bool {
        var pinged = false
        while let written = try channel.readOutbound(as: ByteBuffer.self) {
            if Array(written.readableBytesView) == WebSocketKeepAlive.pingFrame { pinged = true }
        }
        return pinged
    }

    @Test func aSilentSocketIsPingedAfterTwoChecksAndClosedAtTheThird() throws {
        let loop = EmbeddedEventLoop()
        let channel = try Self.socket(on: loop)
        // The first check (one interval in) finds the socket new; the second finds it silent.
        loop.advanceTime(by: Self.interval * 2 - Self.tick)
        #expect(try !Self.pinged(channel))
        loop.advanceTime(by: Self.tick)
        #expect(try Self.pinged(channel))
        #expect(channel.isActive)
        loop.advanceTime(by: Self.interval)
        #expect(!channel.isActive, "silent for another interval after the ping: closed")
    }

    @Test func aSocketThatSpeaksIsNeverPinged() throws {
        let loop = EmbeddedEventLoop()
        let channel = try Self.socket(on: loop)
        for _ in 0..<20 {
            loop.advanceTime(by: .milliseconds(160))
            try channel.writeInbound(ByteBuffer(bytes: [0x8A, 0x00]))  // a pong, or any frame
            _ = try channel.readInbound(as: ByteBuffer.self)
        }
        #expect(try !Self.pinged(channel))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test func aPingAnsweredKeepsTheSocketOpen() throws {
        let loop = EmbeddedEventLoop()
        let channel = try Self.socket(on: loop)
        loop.advanceTime(by: Self.interval * 2)
        #expect(try Self.pinged(channel))
        try channel.writeInbound(ByteBuffer(bytes: [0x8A, 0x00]))
        loop.advanceTime(by: Self.interval)
        #expect(channel.isActive, "the pong came before the next check")
        _ = try channel.finish()
    }

    @Test func socketsOpenedAtDifferentTimesAreCheckedAtDifferentTicks() throws {
        let loop = EmbeddedEventLoop()
        var sockets: [EmbeddedChannel] = []
        for _ in 0..<KeepAliveWheel.slotCount {
            sockets.append(try Self.socket(on: loop))
            loop.advanceTime(by: Self.tick)
        }
        // Tick by tick until every socket has been pinged: never more than one ping per tick.
        var pingsPerTick: [Int] = []
        for _ in 0..<(3 * KeepAliveWheel.slotCount) {
            loop.advanceTime(by: Self.tick)
            pingsPerTick.append(try sockets.filter { try Self.pinged($0) }.count)
        }
        #expect(pingsPerTick.reduce(0, +) == sockets.count, "each socket pinged once: \(pingsPerTick)")
        #expect(pingsPerTick.max() == 1, "the pings are spread over the interval: \(pingsPerTick)")
        for socket in sockets { _ = try? socket.finish() }
    }

    @Test func theWheelStopsWithItsLastSocketAndANewOneStartsAgain() throws {
        let loop = EmbeddedEventLoop()
        let first = try Self.socket(on: loop)
        let wheel = KeepAliveWheel.on(loop, interval: Self.interval)
        #expect(wheel.isRunning)
        _ = try first.finish()
        #expect(!wheel.isRunning, "no socket left: no timer")
        // A later socket gets a wheel (and a timer) again, and is checked as before.
        let second = try Self.socket(on: loop)
        loop.advanceTime(by: Self.interval * 2)
        #expect(try Self.pinged(second))
        _ = try second.finish()
    }
}
