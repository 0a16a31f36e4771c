import Foundation
import Synchronization

/// Fans values out to every current subscriber of one process.
///
/// Each subscriber has a bounded buffer that keeps the newest values, so one slow subscriber can
/// never hold up the publisher or the others.
final class Broadcaster<Element: Sendable>: Sendable {
    private let bufferSize: Int
    private let subscribers = Mutex<[UUID: AsyncStream<Element>.Continuation]>([:])

    init(bufferSize: Int) {
        self.bufferSize = bufferSize
    }

    func publish(_ elements: some Sequence<Element>) {
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            for element in elements { continuation.yield(element) }
        }
    }

    func subscribe() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    var subscriberCount: Int { subscribers.withLock { $0.count } }
}
