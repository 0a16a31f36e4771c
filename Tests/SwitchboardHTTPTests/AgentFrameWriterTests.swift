import Dispatch
import NIOCore
import NIOEmbedded
import NIOWebSocket
@testable import SwitchboardHTTP
import Synchronization
import Testing

/// The agent socket's frames: in order, a burst per flush, and a full send buffer holds the writer up.
@Suite("Agent frame writer")
struct AgentFrameWriterTests {
    /// Records the frames and flushes that reach the front of the pipeline, and can hold their writes.
    final class Recorder: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = WebSocketFrame
        var texts: [String] = []
        var flushes = 0
        var holdWrites = false
        var held: [EventLoopPromise<Void>] = []

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            texts.append(String(buffer: unwrapOutboundIn(data).unmaskedData))
            if holdWrites, let promise { held.append(promise) } else { promise?.succeed() }
        }

        func flush(context: ChannelHandlerContext) { flushes += 1 }
    }

    static func connectedChannel() async throws -> (NIOAsyncTestingChannel, Recorder) {
        let recorder = Recorder()
        let channel = await NIOAsyncTestingChannel(handler: recorder)
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        return (channel, recorder)
    }

    /// Reads the recorder on the event loop, after everything queued there has run.
    static func onLoop<T: Sendable>(_ channel: NIOAsyncTestingChannel, _ read: @escaping @Sendable () -> T) async throws -> T {
        try await channel.eventLoop.submit(read).get()
    }

    @Test func framesGoOutInTheOrderTheyWereWritten() async throws {
        let (channel, recorder) = try await Self.connectedChannel()
        let writer = AgentFrameWriter(channel: channel)
        for n in 1...50 { try await writer.write("frame \(n)") }
        #expect(try await Self.onLoop(channel) { recorder.texts } == (1...50).map { "frame \($0)" })
    }

    @Test func framesQueuedWhileTheLoopIsBusyGoOutWithOneFlush() async throws {
        let (channel, recorder) = try await Self.connectedChannel()
        let writer = AgentFrameWriter(channel: channel)
        let busy = DispatchSemaphore(value: 0)
        channel.eventLoop.execute { busy.wait() }
        for text in ["a", "b", "c"] { try await writer.write(text) }
        busy.signal()
        let (texts, flushes) = try await Self.onLoop(channel) { (recorder.texts, recorder.flushes) }
        #expect(texts == ["a", "b", "c"])
        #expect(flushes == 1)
    }

    @Test func aFullSendBufferHoldsTheWriterUntilItsFrameIsWritten() async throws {
        let (channel, recorder) = try await Self.connectedChannel()
        let writer = AgentFrameWriter(channel: channel)
        try await Self.onLoop(channel) { recorder.holdWrites = true }
        channel.isWritable = false
        let returned = Mutex(false)
        let task = Task {
            try await writer.write("slow")
            returned.withLock { $0 = true }
        }
        // The frame reached the pipeline, and the writer still waits.
        let deadline = ContinuousClock.now + .seconds(10)
        while try await Self.onLoop(channel, { recorder.held.isEmpty }) {
            try #require(ContinuousClock.now < deadline, "the frame never reached the pipeline")
            try await Task.sleep(for: .milliseconds(1))
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(returned.withLock { $0 } == false)
        try await Self.onLoop(channel) { recorder.held.forEach { $0.succeed() } }
        try await task.value
        #expect(returned.withLock { $0 })
    }

    @Test func writingToAClosedSocketThrows() async throws {
        let (channel, _) = try await Self.connectedChannel()
        let writer = AgentFrameWriter(channel: channel)
        try await channel.close()
        await #expect(throws: ChannelError.self) { try await writer.write("late") }
    }
}
