import Hummingbird
import NIOCore
import Prometheus

/// Health, metrics and the OpenAPI document.
struct SystemController {
    let metrics: PrometheusCollectorRegistry
    let openAPI: ByteBuffer
    let readiness: Readiness

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("healthz", use: health)
            .get("metrics", use: prometheus)
            .get("api/v1/openapi.json", use: document)
    }

    /// 200 `{"status": "ok"}` once the node is ready, 503 `{"status": "starting"}` before.
    func health(request: Request, context: AppRequestContext) async throws -> EditedResponse<HealthResponse> {
        readiness.isReady ? EditedResponse(status: .ok, response: HealthResponse(status: "ok"))
            : EditedResponse(status: .serviceUnavailable, response: HealthResponse(status: "starting"))
    }

    func prometheus(request: Request, context: AppRequestContext) async throws -> Response {
        var text: [UInt8] = []
        metrics.emit(into: &text)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }

    func document(request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: openAPI))
    }
}
