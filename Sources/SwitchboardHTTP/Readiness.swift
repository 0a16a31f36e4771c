import Synchronization

/// Whether the node has finished starting (its database is migrated and its first admin exists):
/// `/healthz` answers 503 until then, so a load balancer or script never sends work too early.
public final class Readiness: Sendable {
    private let ready: Atomic<Bool>

    public init(ready: Bool = false) {
        self.ready = Atomic(ready)
    }

    public func markReady() { ready.store(true, ordering: .releasing) }
    public var isReady: Bool { ready.load(ordering: .acquiring) }
}
