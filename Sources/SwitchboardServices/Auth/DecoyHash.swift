import HummingbirdBcrypt
import Synchronization

/// A bcrypt hash of a random secret, made on first use rather than at start-up (a cost-12 hash
/// takes a quarter second, and the server promises to start in well under one).
final class DecoyHash: Sendable {
    private let cost: UInt8
    private let hash = Mutex<String?>(nil)

    init(cost: UInt8) {
        self.cost = cost
    }

    var value: String {
        hash.withLock { cached in
            if let cached { return cached }
            let made = Bcrypt.hash(Secrets.token(), cost: cost)
            cached = made
            return made
        }
    }
}
