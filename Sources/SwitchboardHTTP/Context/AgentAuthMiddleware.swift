import Hummingbird
import SwitchboardCore
import SwitchboardServices

/// Authenticates `Authorization: Bearer <token>` and puts the agent on the context; 401 otherwise.
public struct AgentAuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let auth: AuthService

    public init(auth: AuthService) {
        self.auth = auth
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.bearerToken else {
            throw APIError.unauthenticated("Send Authorization: Bearer <token>; get a token from POST /api/v1/auth/login.")
        }
        var context = context
        context.agent = try await auth.authenticate(token: token)
        return try await next(request, context)
    }
}

extension Request {
    /// The token of an `Authorization: Bearer <token>` header, nil without one.
    var bearerToken: String? {
        guard let header = headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        return String(header.dropFirst(7)).trimmingWhitespace()
    }
}
