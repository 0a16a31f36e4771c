import HummingbirdBcrypt

/// bcrypt, off the serving threads (``BlockingWork``).
enum PasswordHashing {
    static func hash(_ password: String, cost: UInt8) async -> String {
        await BlockingWork.run { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async -> Bool {
        await BlockingWork.run { Bcrypt.verify(password, hash: hash) }
    }
}
