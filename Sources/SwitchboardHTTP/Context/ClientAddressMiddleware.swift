import Foundation
import HTTPTypes
import Hummingbird

/// The customer's address behind the operator's reverse proxies (load balancers), for the per-IP
/// limits: when the socket's peer is a trusted proxy, the address is the right-most `X-Forwarded-For`
/// entry that is not one. The header is ignored from anyone else, since any client can write it.
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    let trustedProxies: Set<String>

    public init(trustedProxies: Set<String>) {
        self.trustedProxies = trustedProxies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = context.remoteAddress, trustedProxies.contains(peer) else { return try await next(request, context) }
        let hops = request.headers[values: Self.forwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let client = hops.last(where: { !trustedProxies.contains($0) }) else { return try await next(request, context) }
        var context = context
        context.remoteAddress = client
        return try await next(request, context)
    }
}
