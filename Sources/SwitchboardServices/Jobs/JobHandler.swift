import SwitchboardStore

/// Runs one kind of job. Throwing retries the job later with backoff; throwing ``PermanentJobFailure``
/// makes it dead at once (agents can see and retry dead jobs).
public protocol JobHandler: Sendable {
    var kind: String { get }
    func run(_ job: Job) async throws
}

/// A failure that retrying cannot fix (a malformed payload, a refused address).
public struct PermanentJobFailure: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
