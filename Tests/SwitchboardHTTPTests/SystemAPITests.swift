import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardApp
import SwitchboardHTTP
import Testing

@Suite("Health, metrics and OpenAPI")
struct SystemAPITests {
    @Test func healthAndMetrics() async throws {
        try await TestAPI.run { api in
            let health = try await api.call(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(health["status"] as? String == "ok")
            let metrics = try await api.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    @Test func openAPIDocumentDescribesExactlyTheServedRoutes() async throws {
        try await TestAPI.run { api in
            let reply = try await api.call(.get, "/api/v1/openapi.json")
            #expect(reply.status == .ok)
            #expect(reply["openapi"] as? String == "3.1.0")
            let paths = try #require(reply["paths"] as? [String: [String: Any]])
            let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(documented == (try await Self.servedRoutes()))
        }
    }

    @Test func aWorkerNodeServesHealthAndMetricsOnly() async throws {
        try await TestAPI.run({ $0.role = .worker }) { api in
            #expect(try await api.call(.get, "/healthz").status == .ok)
            #expect(try await api.call(.get, "/metrics").status == .ok)
            let login = try await api.call(.post, "/api/v1/auth/login", json: ["email": "a@b.co", "password": "x"])
            #expect(login.status == .notFound)
            #expect(try await api.call(.get, "/widget.js").status == .notFound)
            #expect(try await api.call(.get, "/app").status == .notFound)
        }
    }

    /// The routes the router really has, in OpenAPI's `{param}` form.
    static func servedRoutes() async throws -> Set<String> {
        let config = AppConfig.testing()
        defer { config.removeTestAttachments() }
        let router = try await buildRouter(config)
        return Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            return "\(route.method.rawValue) /\(path)"
        })
    }
}
