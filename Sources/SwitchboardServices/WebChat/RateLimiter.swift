import Foundation
import SwitchboardCore
import Synchronization

/// Token buckets by key (a visitor, an IP address): `rate` tokens a second, at most `burst` saved up.
///
/// One check is a dictionary look-up under a lock, so refusing a flood costs almost nothing and a
/// flooding client never delays anyone else. Memory is bounded: when `capacity` keys are tracked,
/// buckets that have refilled completely (and so carry no information) are forgotten.
public final class RateLimiter: Sendable {
    /// A bucket's refill rate and size. A rate of 0 means no limit.
    public struct Rule: Sendable, Hashable {
        public let rate: Double
        public let burst: Double

        public init(rate: Double, burst: Double) {
            self.rate = rate
            self.burst = max(burst, 1)
        }

        public static let unlimited = Rule(rate: 0, burst: 1)
        public var isUnlimited: Bool { rate <= 0 }
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let rule: Rule
    private let capacity: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(_ rule: Rule, capacity: Int = 100_000,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.rule = rule
        self.capacity = capacity
        self.now = now
    }

    /// Takes one token for `key`; false when the bucket is empty (the caller refuses the action).
    public func allow(_ key: String) -> Bool {
        guard !rule.isUnlimited else { return true }
        let time = now()
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: rule.burst, updated: time)
            bucket.tokens = min(rule.burst, bucket.tokens + (time - bucket.updated).inSeconds * rule.rate)
            bucket.updated = time
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            if buckets[key] == nil, buckets.count >= capacity { prune(&buckets, at: time) }
            buckets[key] = bucket
            return allowed
        }
    }

    private func prune(_ buckets: inout [String: Bucket], at time: ContinuousClock.Instant) {
        let refill = rule.burst / rule.rate
        buckets = buckets.filter { (time - $0.value.updated).inSeconds < refill }
        // Still full of active keys: start over rather than grow without bound.
        if buckets.count >= capacity { buckets.removeAll(keepingCapacity: true) }
    }
}
