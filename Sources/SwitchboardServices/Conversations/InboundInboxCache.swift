import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Remembers what the inbound endpoint checks for each inbox (workspace, channel, token digest), so
/// a busy integration does not cost a database read per message. Safe because an inbox's token and
/// channel never change once created; token rotation, when it comes, must call ``forget(_:)``.
final class InboundInboxCache: Sendable {
    struct Entry: Sendable {
        let workspaceID: WorkspaceID
        let channel: ChannelKind
        let tokenDigest: String?
    }

    /// Entries kept before the cache starts over (a bound on memory, not a tuning knob).
    static let capacity = 10_000

    private let entries = Mutex<[InboxID: Entry]>([:])

    func entry(for id: InboxID, loading load: () async throws -> Entry?) async throws -> Entry? {
        if let cached = entries.withLock({ $0[id] }) { return cached }
        guard let loaded = try await load() else { return nil }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = loaded
        }
        return loaded
    }

    func forget(_ id: InboxID) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}
