import Synchronization

/// Holds back every database call until the schema is migrated, and fails them all when it could
/// not be: the storage is handed out before its `run()` has connected.
final class ReadyGate: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, any Error>])
        case open
        case failed(any Error)
    }

    private let state = Mutex<State>(.waiting([]))

    /// Returns once the gate is open; throws what closed it.
    func wait() async throws {
        let settled: Result<Void, any Error>? = state.withLock { state in
            switch state {
            case .open: .success(())
            case .failed(let error): .failure(error)
            case .waiting: nil
            }
        }
        if let settled { return try settled.get() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let settled: Result<Void, any Error>? = state.withLock { state in
                switch state {
                case .open: return .success(())
                case .failed(let error): return .failure(error)
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                }
            }
            if let settled { continuation.resume(with: settled) }
        }
    }

    func open() { settle(.open) }

    /// Fails every waiting and future call with `error` (a failed migration, or the storage stopped).
    /// A gate closed already keeps its first reason.
    func close(with error: any Error) { settle(.failed(error)) }

    private func settle(_ next: State) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            switch state {
            case .failed:
                return []
            case .open:
                state = next
                return []
            case .waiting(let waiters):
                state = next
                return waiters
            }
        }
        for waiter in waiters {
            if case .failed(let error) = next { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }
}
