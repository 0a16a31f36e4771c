import Hummingbird

/// Lets the widget call its endpoints from the business's own site (another origin). The widget
/// sends no cookies, only its visitor token, so any origin may call; errors carry the headers too,
/// or the browser would hide their JSON body from the widget.
struct WidgetCORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try ErrorMiddleware.apiError(for: error, logger: context.logger).response(from: request, context: context)
        }
        response.headers[.accessControlAllowOrigin] = "*"
        response.headers[.accessControlAllowHeaders] = "Content-Type, X-Visitor-Token"
        response.headers[.accessControlAllowMethods] = "GET, POST, OPTIONS"
        response.headers[.accessControlMaxAge] = "86400"
        return response
    }
}
