import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Checks an agent's realtime upgrade before Hummingbird takes it (``FirstRequestSniffer``), with the
/// socket's own rules (``RealtimeController``): a bad token is answered 401 and a bad `after` 400, with
/// the JSON error body. Hummingbird checks an admitted upgrade again as it takes it, so a token revoked
/// in between is still refused (with its bare 400).
struct AgentUpgradeCheck: Sendable {
    let controller: RealtimeController
    let logger = Logger(label: "switchboard.realtime")

    init(deps: APIDependencies) {
        controller = RealtimeController(deps: deps)
    }

    /// Why the upgrade of `target` (path and query) is refused; nil when it is admitted.
    func refusal(of target: String, on eventLoop: any EventLoop) -> EventLoopFuture<APIError?> {
        let promise = eventLoop.makePromise(of: APIError?.self)
        promise.completeWithTask {
            let request = Request(head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: target),
                                  body: RequestBody(buffer: ByteBuffer()))
            do {
                _ = try await controller.agent(of: request)
                _ = try controller.after(in: request)
                return nil
            } catch {
                return ErrorMiddleware.apiError(for: error, logger: logger)
            }
        }
        return promise.futureResult
    }
}
