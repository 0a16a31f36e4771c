import Hummingbird

/// Applies the configured body limit: a declared Content-Length over it is refused before anything
/// is read, and the JSON decoder stops reading a streamed body at the same limit. File uploads (paths
/// ending in `/attachments`) have their own, larger limit.
public struct RequestLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let bodyLimit: Int
    let uploadLimit: Int

    public init(bodyLimit: Int, uploadLimit: Int) {
        self.bodyLimit = bodyLimit
        self.uploadLimit = uploadLimit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = request.method == .post && request.uri.path.hasSuffix("/attachments") ? uploadLimit : bodyLimit
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.payloadTooLarge(limit: limit)
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
