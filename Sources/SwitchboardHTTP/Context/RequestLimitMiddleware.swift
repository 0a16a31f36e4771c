import Hummingbird

/// Applies the configured body limit: a declared Content-Length over it is refused before anything
/// is read, and the JSON decoder stops reading a streamed body at the same limit.
public struct RequestLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let bodyLimit: Int

    public init(bodyLimit: Int) {
        self.bodyLimit = bodyLimit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > bodyLimit {
            throw APIError.payloadTooLarge(limit: bodyLimit)
        }
        var context = context
        context.bodyLimit = bodyLimit
        return try await next(request, context)
    }
}

extension APIError {
    static func payloadTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large", message: "The request body is larger than \(limit) bytes.")
    }
}
