import AsyncHTTPClient
import NIOCore
import ServiceLifecycle
import Synchronization

/// The HTTP client the channel adapters deliver with. It is made on first use (a node that never
/// delivers never opens one) and shut down when the service group stops, after the job worker listed
/// behind it. Redirects are not followed: a reply goes only where the admin pointed it.
public final class OutboundHTTPClient: Service, Sendable {
    private let made = Mutex<HTTPClient?>(nil)

    public init() {}

    public var client: HTTPClient {
        made.withLock { made in
            if let client = made { return client }
            var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                         timeout: .init(connect: .seconds(5), read: .seconds(10)))
            configuration.httpVersion = .http1Only
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            made = client
            return client
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Closes the client's connections; a later delivery would open a new client.
    public func shutdown() async throws {
        try await made.withLock { made in defer { made = nil }; return made }?.shutdown()
    }
}
