import Foundation
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import SwitchboardApp
import Testing

@Suite("WebSocket keep-alive")
struct WebSocketKeepAliveTests {
    static func live(keepAlive: Duration, _ body: @escaping @Sendable (any TestClientProtocol, TestAPI, String, Int) async throws -> Void) async throws {
        var config = AppConfig.testingWithAdmin()
        defer { config.removeTestAttachments() }
        config.socketKeepAlive = keepAlive
        let app = try await buildApplication(config)
        try await app.test(.live) { client in
            let api = TestAPI(client: client)
            let token = try await api.login()
            let inbox = try await api.webChatInbox(token).id
            let visitor = try #require(try await api.visitorSession(inbox, ["name": "Grace"])["visitor_token"] as? String)
            try await body(client, api, "/api/v1/widget/\(inbox)/ws?visitor_token=\(visitor)", try #require(client.port))
        }
    }

    @Test func aSilentPeerIsPingedThenDisconnected() async throws {
        try await Self.live(keepAlive: .milliseconds(150)) { _, _, path, port in
            let peer = try RawPeer(port: port, path: path)
            let started = ContinuousClock.now
            let (bytes, closed) = await peer.readUntilClosed()
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 101"), "the upgrade was accepted: \(text.prefix(40))")
            #expect(closed, "the server closed the connection of a peer that never answered")
            #expect(ContinuousClock.now - started < .seconds(5))
            // Somewhere after the hello (a text frame) comes the ping: FIN + opcode 9, no payload.
            #expect(bytes.indices.dropLast().contains { bytes[$0] == 0x89 && bytes[$0 + 1] == 0x00 }, "a ping was sent")
        }
    }

    @Test func aPeerThatAnswersPingsStaysConnected() async throws {
        try await Self.live(keepAlive: .milliseconds(400)) { _, _, path, port in
            // The peer answers pings from a thread of its own, as a browser does from its network stack: a
            // test client answering from the shared task pool was late by more than an interval when every
            // test of the suite started at once on two cores.
            let peer = try RawPeer(port: port, path: path)
            let (pings, open) = await peer.answerPings(for: .seconds(3))
            #expect(pings >= 2, "the server kept pinging a peer that kept answering: \(pings) pings")
            #expect(open, "a peer that answers pings stays connected")
            peer.sendText(#"{"type":"message","content":"still here","client_id":"k1"}"#)
            let reply = String(decoding: await peer.readUntil(#""client_id":"k1""#), as: UTF8.self)
            #expect(reply.contains(#"{"type":"ack","client_id":"k1""#), "after many ping intervals the socket still works: \(reply.suffix(80))")
        }
    }
}
