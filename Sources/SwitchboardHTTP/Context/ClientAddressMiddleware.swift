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
        var context = context
        context.remoteAddress = Self.clientAddress(peer: peer, forwardedFor: request.headers[values: Self.forwardedFor],
                                                   trustedProxies: trustedProxies)
        return try await next(request, context)
    }

    /// The client's address: the peer's, or when the peer is a trusted proxy the right-most
    /// `X-Forwarded-For` entry (of all such headers, in order) that is not a trusted proxy.
    static func clientAddress(peer: String?, forwardedFor: [String], trustedProxies: Set<String>) -> String? {
        guard let peer, trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }
}
