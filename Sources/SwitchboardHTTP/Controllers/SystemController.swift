import Hummingbird
import NIOCore
import Prometheus

/// Health, metrics and the OpenAPI document.
struct SystemController {
    let metrics: PrometheusCollectorRegistry
    let openAPI: ByteBuffer

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("healthz", use: health)
            .get("metrics", use: prometheus)
            .get("api/v1/openapi.json", use: document)
    }

    func health(request: Request, context: AppRequestContext) async throws -> HealthResponse {
        HealthResponse(status: "ok")
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
