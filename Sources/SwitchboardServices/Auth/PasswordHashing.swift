import Dispatch
import HummingbirdBcrypt

/// bcrypt, run on Dispatch's global queue instead of the calling task's thread. A cost-12 hash is a
/// quarter second of CPU; the server runs its tasks on the event loops that also serve every socket
/// (see the `switchboard` entry point), so hashing in place would stall those sockets for that long.
enum PasswordHashing {
    static func hash(_ password: String, cost: UInt8) async -> String {
        await offload { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async -> Bool {
        await offload { Bcrypt.verify(password, hash: hash) }
    }

    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
