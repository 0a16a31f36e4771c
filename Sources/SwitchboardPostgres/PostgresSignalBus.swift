import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStore

/// Carries typing and presence to every node: a signal is handed to this node's subscribers at once
/// and sent to the others with `NOTIFY` (outside any write transaction: signals are never stored).
public final class PostgresSignalBus: SignalBus, Service {
    static let channel = "switchboard_signals"

    /// What goes over the wire: the signal and the node that sent it (which ignores its own echo).
    struct Envelope: Codable {
        let node: String
        let signal: LiveSignal
    }

    private let storage: PostgresStorage
    private let logger: Logger
    private let node = UUID().uuidString
    private let broadcaster = LocalBroadcaster<LiveSignal>(bufferSize: 256)
    private let outgoing = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1024))

    public init(storage: PostgresStorage, logger: Logger) {
        self.storage = storage
        self.logger = logger
    }

    public func publish(_ signal: LiveSignal) {
        broadcaster.publish(CollectionOfOne(signal))
        if let data = try? JSONEncoder().encode(Envelope(node: node, signal: signal)) {
            outgoing.continuation.yield(String(decoding: data, as: UTF8.self))
        }
    }

    public func subscribe() -> AsyncStream<LiveSignal> { broadcaster.subscribe() }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.send() }
                group.addTask { await self.listen() }
            }
        }
    }

    private func send() async {
        for await payload in outgoing.stream {
            do {
                try await storage.client.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
            } catch {
                // A lost keystroke is not worth a retry.
                logger.debug("signal not sent to other nodes", metadata: ["error": "\(error)"])
            }
        }
    }

    private func listen() async {
        while !Task.isCancelled {
            do {
                try await storage.client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        for try await notification in notifications {
                            guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(notification.payload.utf8)),
                                  envelope.node != self.node
                            else { continue }
                            self.broadcaster.publish(CollectionOfOne(envelope.signal))
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("lost the signal notifications; reconnecting", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
