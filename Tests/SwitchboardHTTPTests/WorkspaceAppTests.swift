import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardApp
import Testing

@Suite("Agent workspace: the app's files at /app")
struct WorkspaceAppTests {
    @Test func pageAndModulesAreServedWithAStrictPolicy() async throws {
        try await TestAPI.run { api in
            let page = try await api.call(.get, "/app")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("/app/main.js"))
            let policy = page.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline"))

            let module = try await api.call(.get, "/app/main.js")
            #expect(module.status == .ok)
            #expect(module.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(module.text.contains("import"))
            let styles = try await api.call(.get, "/app/app.css")
            #expect(styles.headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    @Test func rootLeadsToTheApp() async throws {
        try await TestAPI.run { api in
            let root = try await api.call(.get, "/")
            #expect(root.status == .found)
            #expect(root.headers[.location] == "/app")
        }
    }

    @Test func onlyTheAppsOwnFilesAreServed() async throws {
        try await TestAPI.run { api in
            for path in ["/app/nope.js", "/app/..%2FPackage.swift", "/app/%2e%2e%2fwidget.js"] {
                let reply = try await api.call(.get, path)
                #expect(reply.status == .notFound, "\(path)")
                #expect(reply.errorCode == "not_found", "\(path)")
            }
        }
    }
}
