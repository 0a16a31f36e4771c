import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardApp
import SwitchboardServices
import Testing

/// Per-IP limits behind a load balancer: `X-Forwarded-For` names the client only when the socket's
/// peer is a configured proxy (in these live tests the peer is 127.0.0.1).
@Suite("Client address behind trusted proxies")
struct ClientAddressTests {
    static func live(trusting proxies: [String], _ body: @escaping @Sendable (TestAPI, String) async throws -> Void) async throws {
        var config = AppConfig.testingWithAdmin()
        defer { config.removeTestAttachments() }
        config.widgetLimits.sessionsPerIP = .init(rate: 0.001, burst: 2)
        config.trustedProxies = proxies
        let app = try await buildApplication(config)
        try await app.test(.live) { client in
            let api = TestAPI(client: client)
            let inbox = try await api.webChatInbox(try await api.login())
            try await body(api, inbox.id)
        }
    }

    static func openSession(_ api: TestAPI, _ inbox: String, forwardedFor: String) async throws -> HTTPResponse.Status {
        try await api.call(.post, "/api/v1/widget/\(inbox)/sessions", json: [:],
                           headers: [HTTPField.Name("X-Forwarded-For")!: forwardedFor]).status
    }

    @Test func aTrustedProxysForwardedAddressIsTheClient() async throws {
        try await Self.live(trusting: ["127.0.0.1"]) { api, inbox in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 { statuses.append(try await Self.openSession(api, inbox, forwardedFor: "203.0.113.1")) }
            #expect(statuses == [.created, .created, .tooManyRequests])
            // Another customer behind the same balancer has their own allowance; the right-most entry counts
            // (what the balancer saw), not what the client wrote before it.
            let other = try await Self.openSession(api, inbox, forwardedFor: "203.0.113.1, 198.51.100.7")
            #expect(other == .created)
        }
    }

    @Test func forwardedForFromAnyoneElseIsIgnored() async throws {
        try await Self.live(trusting: ["10.0.0.5"]) { api, inbox in
            var statuses: [HTTPResponse.Status] = []
            for address in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
                statuses.append(try await Self.openSession(api, inbox, forwardedFor: address))
            }
            #expect(statuses == [.created, .created, .tooManyRequests], "all three came from 127.0.0.1, not a trusted proxy")
        }
    }
}
