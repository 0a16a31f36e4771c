import Foundation
import HummingbirdWSClient
import Synchronization

/// Reads a socket's text frames in the background so a test can wait for the one it expects
/// (bounded by a timeout) without owning the stream's iterator.
final class FrameCollector: Sendable {
    private final class Buffer: Sendable {
        private let texts = Mutex<[String]>([])
        func append(_ text: String) { texts.withLock { $0.append(text) } }
        var all: [String] { texts.withLock { $0 } }
    }

    private let frames = Buffer()
    private let reader: Task<Void, Never>

    init(_ inbound: WebSocketInboundStream) {
        let frames = self.frames
        reader = Task {
            do {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { frames.append(text) }
                }
            } catch {}
        }
    }

    deinit { reader.cancel() }

    /// Every frame so far, decoded.
    var all: [[String: Any]] {
        frames.all.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// Waits until `count` frames match `predicate` and returns them (fewer when the time runs out).
    func wait(for count: Int = 1, timeout: Duration = .seconds(10),
              _ predicate: ([String: Any]) -> Bool) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let matching = all.filter(predicate)
            if matching.count >= count || ContinuousClock.now >= deadline { return matching }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for the first frame of a type.
    func first(_ type: String, where predicate: ([String: Any]) -> Bool = { _ in true }) async throws -> [String: Any]? {
        try await wait { $0["type"] as? String == type && predicate($0) }.first
    }
}

extension [String: Any] {
    /// `frame["data"]` of an agent frame, `frame["message"]` of a visitor frame.
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
}
