import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SwitchboardApp
@testable import SwitchboardHTTP
import Testing

@Suite("Socket upgrades: first-request routing and refusals")
struct SocketUpgradeTests {
    static func head(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test(arguments: [
        ("GET /api/v1/widget/in1/ws?visitor_token=t HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
         FirstRequestSniffer.FirstRequest.visitorUpgrade),
        ("GET /api/v1/widget/in1/ws HTTP/1.1\r\nupgrade:  WebSocket \r\n\r\n", .visitorUpgrade),
        ("GET /api/v1/realtime?token=t&after=4 HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
         .agentUpgrade(target: "/api/v1/realtime?token=t&after=4")),
        // A plain GET of the same addresses, another path, another method, look-alike paths.
        ("GET /api/v1/widget/in1/ws?visitor_token=t HTTP/1.1\r\nHost: x\r\n\r\n", .other),
        ("GET /api/v1/realtime?token=t HTTP/1.1\r\nHost: x\r\n\r\n", .other),
        ("GET /api/v1/realtimes HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", .other),
        ("POST /api/v1/widget/in1/ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", .other),
        ("GET /api/v1/widget/in1/ws/more HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", .other),
        ("GET /api/v1/widget//ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", .other),
        ("GET /api/v1/widget/in1/config HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", .other),
    ])
    func completeHeadsAreRouted(head: String, first: FirstRequestSniffer.FirstRequest) {
        #expect(FirstRequestSniffer.classify(Self.head(head)) == first)
    }

    @Test func incompleteHeadsWaitUnlessTheyCannotBeAVisitorUpgrade() {
        #expect(FirstRequestSniffer.isVisitorUpgrade(Self.head("GET /api/v1/wid")) == nil, "could still be one")
        #expect(FirstRequestSniffer.classify(Self.head("GET /api/v1/real")) == nil, "could still be an agent's")
        #expect(FirstRequestSniffer.isVisitorUpgrade(Self.head("GET /api/v1/widget/in1/ws HTTP/1.1\r\nUpg")) == nil)
        #expect(FirstRequestSniffer.isVisitorUpgrade(Self.head("POST /api")) == false, "decided on the first bytes")
        let endless = "GET /api/v1/widget/in1/ws HTTP/1.1\r\nX: " + String(repeating: "a", count: 17_000)
        #expect(FirstRequestSniffer.isVisitorUpgrade(Self.head(endless)) == false, "too long a head goes to Hummingbird")
    }

    @Test func aRefusedUpgradeGetsTheJSONErrorAndIsClosed() async throws {
        var config = AppConfig.testingWithAdmin()
        defer { config.removeTestAttachments() }
        let app = try await buildApplication(config)
        try await app.test(.live) { client in
            let api = TestAPI(client: client)
            let inbox = try await api.webChatInbox(try await api.login()).id
            let port = try #require(client.port)
            for path in ["/api/v1/widget/\(inbox)/ws?visitor_token=bogus", "/api/v1/widget/\(inbox)/ws"] {
                let (bytes, closed) = await (try RawPeer(port: port, path: path)).readUntilClosed()
                let answer = String(decoding: bytes, as: UTF8.self)
                #expect(answer.hasPrefix("HTTP/1.1 401"), "\(path): \(answer.prefix(60))")
                #expect(answer.contains("application/json"))
                #expect(answer.contains(#"{"error":{"#) && answer.contains(#""code":"unauthorized""#), "\(answer)")
                #expect(closed, "the connection is closed after the answer")
            }
            // An ordinary request on a new connection still reaches Hummingbird.
            #expect(try await api.call(.get, "/api/v1/widget/\(inbox)/ws?visitor_token=bogus").status == .unauthorized)
        }
    }

    @Test func anAgentsRefusedUpgradeGetsTheJSONErrorAndAnAdmittedOneIsUpgraded() async throws {
        var config = AppConfig.testingWithAdmin()
        defer { config.removeTestAttachments() }
        let app = try await buildApplication(config)
        try await app.test(.live) { client in
            let token = try await TestAPI(client: client).login()
            let port = try #require(client.port)
            for (path, status, code) in [("/api/v1/realtime?token=bogus", "401", "unauthorized"),
                                         ("/api/v1/realtime", "401", "unauthorized"),
                                         ("/api/v1/realtime?token=\(token)&after=minus-one", "400", "invalid_query")] {
                let (bytes, closed) = await (try RawPeer(port: port, path: path)).readUntilClosed()
                let answer = String(decoding: bytes, as: UTF8.self)
                #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(path): \(answer.prefix(60))")
                #expect(answer.contains("application/json") && answer.contains(#""code":"\#(code)""#), "\(answer)")
                #expect(closed, "the connection is closed after the answer")
            }
            let admitted = try RawPeer(port: port, path: "/api/v1/realtime?token=\(token)")
            let upgrade = String(decoding: await admitted.readUntil("\r\n\r\n"), as: UTF8.self)
            #expect(upgrade.hasPrefix("HTTP/1.1 101"), "\(upgrade.prefix(60))")
        }
    }
}
