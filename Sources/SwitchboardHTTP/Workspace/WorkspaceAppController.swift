import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// `GET /app`: the agent workspace, plain ES modules and CSS shipped in the binary's bundle.
///
/// Only the files that were in `Resources/app` at build time are served (read once at start), so
/// no request path ever reaches the file system. The page talks to `/api/v1` and the realtime socket
/// like any other client; a strict Content-Security-Policy keeps injected markup from running.
struct WorkspaceAppController {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
    }

    let assets: [String: Asset]

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("", use: home)
            .get("app", use: page)
            .get("app/:file", use: asset)
    }

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        // Always revalidated: a new build's modules must never mix with a cached older one.
        .cacheControl: "no-cache",
    ]

    func home(request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .found, headers: [.location: "/app"])
    }

    func page(request: Request, context: AppRequestContext) async throws -> Response {
        try serve("index.html")
    }

    func asset(request: Request, context: AppRequestContext) async throws -> Response {
        try serve(try context.parameters.require("file"))
    }

    private func serve(_ name: String) throws -> Response {
        guard let asset = assets[name] else {
            throw APIError.notFound("file in the workspace app")
        }
        var headers = Self.securityHeaders
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }

    /// Reads every file of `Resources/app` once at start; a missing folder is a broken build.
    static func loadAssets() throws -> [String: Asset] {
        guard let folder = Bundle.module.url(forResource: "app", withExtension: nil) else { throw AppMissing() }
        var assets: [String: Asset] = [:]
        for url in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) {
            guard let type = contentTypes[url.pathExtension] else { continue }
            assets[url.lastPathComponent] = Asset(body: ByteBuffer(bytes: try Data(contentsOf: url)), contentType: type)
        }
        guard assets["index.html"] != nil else { throw AppMissing() }
        return assets
    }

    static let contentTypes = [
        "html": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml",
    ]

    struct AppMissing: Error, CustomStringConvertible {
        var description: String { "The workspace app (Resources/app) is missing from the SwitchboardHTTP bundle; rebuild the package." }
    }
}
