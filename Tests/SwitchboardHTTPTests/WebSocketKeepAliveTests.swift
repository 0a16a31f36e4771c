import Foundation
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import SwitchboardApp
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("WebSocket keep-alive")
struct WebSocketKeepAliveTests {
    /// A client that completes the WebSocket handshake and then never answers anything, like a
    /// phone that went into a tunnel: reads with plain blocking socket calls (on a detached thread).
    final class SilentPeer: @unchecked Sendable {
        private let fd: Int32

        init(port: Int, path: String) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), 0) }
        }

        deinit { close(fd) }

        /// Everything the server sends until it closes the connection (or 10 s pass).
        func readUntilClosed() async -> (bytes: [UInt8], closed: Bool) {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { [self] in
                    var bytes: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let count = recv(fd, &buffer, buffer.count, 0)
                        if count == 0 { return continuation.resume(returning: (bytes, true)) }
                        if count < 0 { return continuation.resume(returning: (bytes, false)) }
                        bytes += buffer[0..<count]
                    }
                }
            }
        }
    }

    static func live(keepAlive: Duration, _ body: @escaping @Sendable (any TestClientProtocol, TestAPI, String, Int) async throws -> Void) async throws {
        var config = AppConfig.testing()
        config.initialAdmin = .init(email: TestAPI.adminEmail, password: TestAPI.adminPassword, name: "Admin")
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
            let peer = try SilentPeer(port: port, path: path)
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
        // Longer than the silent peer's interval: the test client's pong must not miss one on a busy machine.
        try await Self.live(keepAlive: .milliseconds(500)) { client, _, path, _ in
            // The test client answers pings with pongs, as browsers do.
            _ = try await client.ws(path) { inbound, outbound, _ in
                let frames = FrameCollector(inbound)
                _ = try #require(try await frames.first("hello"))
                try await Task.sleep(for: .seconds(2.5))
                try await WidgetSocketTests.send(outbound, ["type": "message", "content": "still here", "client_id": "k1"])
                #expect(try await frames.first("ack")?["client_id"] as? String == "k1",
                        "after many ping intervals the socket still works")
            }
        }
    }
}
