import Foundation
import HTTPTypes
import Hummingbird
import Testing
import HummingbirdTesting

/// An integration's callback endpoint on a real socket: records every request and answers with the
/// status it is told to.
actor CallbackReceiver {
    struct Request {
        let body: Data
        let signature: String?
        let delivery: String?
    }

    private(set) var requests: [Request] = []
    private var status: HTTPResponse.Status = .ok

    func answer(with status: HTTPResponse.Status) { self.status = status }

    fileprivate func record(_ request: Request) -> HTTPResponse.Status {
        requests.append(request)
        return status
    }

    /// Runs `body` while the receiver listens at the URL it is given.
    static func listening(_ body: @escaping @Sendable (CallbackReceiver, _ url: String) async throws -> Void) async throws {
        let receiver = CallbackReceiver()
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = await receiver.record(Request(
                body: Data(bytes.readableBytesView), signature: request.headers[HTTPField.Name("X-Switchboard-Signature")!],
                delivery: request.headers[HTTPField.Name("X-Switchboard-Delivery")!]))
            return Response(status: status)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(receiver, "http://127.0.0.1:\(try #require(client.port))/hook")
        }
    }
}
