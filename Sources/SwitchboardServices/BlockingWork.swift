import Dispatch

/// Work that holds its thread for long — bcrypt (a quarter second per hash), reading or writing an
/// attachment of megabytes — run on Dispatch's global queue instead of the calling task's thread. The
/// server runs its tasks on the event loops that also serve every socket (see the `switchboard` entry
/// point), so such work in place would stall those sockets meanwhile.
enum BlockingWork {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
