import Foundation
import Hummingbird
import NIOCore

/// `GET /widget.js`: the embeddable chat widget, plain JavaScript shipped inside the binary's bundle.
struct WidgetScriptController {
    let script: ByteBuffer

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("widget.js", use: serve)
    }

    func serve(request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [
            .contentType: "application/javascript; charset=utf-8",
            // Short, so a fixed widget reaches every site within minutes; any site may load it.
            .cacheControl: "public, max-age=300",
            .accessControlAllowOrigin: "*",
        ], body: .init(byteBuffer: script))
    }

    /// Reads the script once at start; a missing file is a broken build, said plainly.
    static func loadScript() throws -> ByteBuffer {
        guard let url = Bundle.module.url(forResource: "widget", withExtension: "js") else {
            throw WidgetScriptMissing()
        }
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }

    struct WidgetScriptMissing: Error, CustomStringConvertible {
        var description: String { "widget.js is missing from the SwitchboardHTTP resource bundle; rebuild the package." }
    }
}
