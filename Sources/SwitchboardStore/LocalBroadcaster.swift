import Foundation
import Synchronization

/// Fans values out to every current subscriber of one process.
///
/// Each subscriber has a bounded buffer that keeps the newest values, so one slow subscriber can
/// never hold up the publisher or the others.
public final class LocalBroadcaster<Element: Sendable>: Sendable {
    private let bufferSize: Int
    private let subscribers = Mutex<[UUID: AsyncStream<Element>.Continuation]>([:])

    public init(bufferSize: Int) {
        self.bufferSize = bufferSize
    }

    public func publish(_ elements: some Sequence<Element>) {
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            for element in elements { continuation.yield(element) }
        }
    }

    public func subscribe() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}
