import NIOCore
import ServiceLifecycle

/// Bounds how long a WebSocket can hold up a graceful shutdown.
///
/// On shutdown the WebSocket layer sends a close frame and waits for the peer's answer, and our
/// writers wait for the peer to read. A peer that stopped reading answers neither, so without this
/// the process would never exit on SIGTERM. After `grace` the connection is closed outright, which
/// fails the pending writes and ends the handler.
enum SocketShutdown {
    static let grace: TimeAmount = .seconds(5)

    static func closingAfterGrace<T: Sendable>(_ channel: (any Channel)?,
                                               _ operation: () async throws -> T) async rethrows -> T {
        guard let channel else { return try await operation() }
        return try await withGracefulShutdownHandler(operation: operation, onGracefulShutdown: {
            channel.eventLoop.scheduleTask(in: grace) { channel.close(promise: nil) }
        })
    }
}
