import Foundation
import Synchronization
import SwitchboardServices
import Testing

@Suite("Rate limiter")
struct RateLimiterTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let current = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { current.withLock { $0 } }
        func advance(_ duration: Duration) { current.withLock { $0 += duration } }
    }

    @Test func burstThenRefillAtTheRate() {
        let clock = ManualClock()
        let limiter = RateLimiter(.init(rate: 2, burst: 3), now: { clock.now })
        #expect((1...4).map { _ in limiter.allow("a") } == [true, true, true, false])
        #expect(limiter.allow("b"), "each key has its own bucket")
        clock.advance(.milliseconds(500))
        #expect(limiter.allow("a"))
        #expect(!limiter.allow("a"))
        clock.advance(.seconds(60))
        #expect((1...4).map { _ in limiter.allow("a") } == [true, true, true, false], "never more than the burst saved up")
    }

    @Test func unlimitedAlwaysAllows() {
        let limiter = RateLimiter(.unlimited)
        #expect((1...1000).allSatisfy { _ in limiter.allow("a") })
    }

    @Test func trackedKeysAreBoundedWithoutForgettingActiveOnes() {
        let clock = ManualClock()
        let limiter = RateLimiter(.init(rate: 1, burst: 1), capacity: 10, now: { clock.now })
        #expect(limiter.allow("flooder"))
        for index in 0..<100 { _ = limiter.allow("key-\(index)") }
        // Keys that have fully refilled carry no state and may go; limits still hold right after.
        clock.advance(.seconds(5))
        for index in 0..<100 { _ = limiter.allow("other-\(index)") }
        #expect(limiter.allow("flooder"))
        #expect(!limiter.allow("flooder"))
    }
}
