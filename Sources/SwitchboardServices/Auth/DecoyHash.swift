import Synchronization

/// A bcrypt hash of a random secret, made on first use rather than at start-up (a cost-12 hash
/// takes a quarter second, and the server promises to start in well under one).
final class DecoyHash: Sendable {
    private let cost: UInt8
    private let hash = Mutex<String?>(nil)

    init(cost: UInt8) {
        self.cost = cost
    }

    /// The hash, made (off the serving threads) by the first caller; callers racing it may each make
    /// one, and the first stored is kept.
    func value() async -> String {
        if let cached = hash.withLock({ $0 }) { return cached }
        let made = await PasswordHashing.hash(Secrets.token(), cost: cost)
        return hash.withLock { cached in
            if let cached { return cached }
            cached = made
            return made
        }
    }
}
