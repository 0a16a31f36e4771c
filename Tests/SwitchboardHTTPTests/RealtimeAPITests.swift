import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import Synchronization
import SwitchboardApp
import Testing

@Suite("Agents' realtime socket")
struct RealtimeAPITests {
    struct Frame: Sendable {
        let id: Int
        let type: String
        let text: String

        var data: [String: Any] {
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            return object?["data"] as? [String: Any] ?? [:]
        }
    }

    static func decode(_ text: String) -> Frame? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let id = (object["id"] as? String).flatMap(Int.init), let type = object["type"] as? String
        else { return nil }
        return Frame(id: id, type: type, text: text)
    }

    /// Runs a live app with an admin; hands over the client, the admin token and an api inbox.
    static func live(_ body: @escaping @Sendable (any TestClientProtocol, TestAPI, String, (id: String, inboundToken: String)) async throws -> Void) async throws {
        var config = AppConfig.testingWithAdmin()
        defer { config.removeTestAttachments() }
        let app = try await buildApplication(config)
        try await app.test(.live) { client in
            let api = TestAPI(client: client)
            let token = try await api.login()
            let inbox = try await api.apiInbox(token)
            try await body(client, api, token, inbox)
        }
    }

    /// Reads frames until `count` have arrived (bounded by a timeout). Live signals (presence, typing)
    /// are skipped unless `signals` is true.
    static func read(_ count: Int, from inbound: WebSocketInboundStream, signals: Bool = false) async throws -> [Frame] {
        try await withThrowingTaskGroup(of: [Frame].self) { group in
            group.addTask {
                var frames: [Frame] = []
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message, let frame = decode(text),
                       signals || !["presence", "typing"].contains(frame.type) {
                        frames.append(frame)
                    }
                    if frames.count == count { break }
                }
                return frames
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return []
            }
            let first = try await group.next() ?? []
            group.cancelAll()
            return first
        }
    }

    @Test func newMessagesArriveLiveInOrderAndPrivateNotesToo() async throws {
        try await Self.live { client, api, token, inbox in
            _ = try await client.ws("/api/v1/realtime?token=\(token)") { inbound, _, _ in
                let incoming = try await api.postIncoming(inbox: inbox, externalID: "m1", content: "Help!", extra: ["name": "Ada"])
                let conversation = incoming["conversation_id"] as? String ?? ""
                _ = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: token,
                                       json: ["content": "internal", "private": true])
                // The stream can be read once: take every expected frame in one pass.
                let frames = try await Self.read(4, from: inbound)
                #expect(frames.map(\.type) == ["contact.created", "conversation.created", "message.created", "message.created"])
                #expect(frames.map(\.id) == frames.map(\.id).sorted())
                #expect(frames[2].data["content"] as? String == "Help!")
                #expect((frames[1].data["contact"] as? [String: Any])?["name"] as? String == "Ada")
                #expect(frames[1].data["id"] as? String == conversation)
                #expect(frames[3].data["private"] as? Bool == true)
                #expect(frames[3].data["content"] as? String == "internal")
            }
        }
    }

    @Test func reconnectingWithAfterReplaysWhatWasMissed() async throws {
        try await Self.live { client, api, token, inbox in
            _ = try await api.postIncoming(inbox: inbox, externalID: "m1", content: "first")
            // A socket without `after` starts at the head: it only sees what comes next.
            let seen = Mutex<Int>(0)
            _ = try await client.ws("/api/v1/realtime?token=\(token)") { inbound, _, _ in
                _ = try await api.postIncoming(inbox: inbox, externalID: "m2", content: "second")
                let frames = try await Self.read(1, from: inbound)
                #expect(frames.map { $0.data["content"] as? String } == ["second"])
                seen.withLock { $0 = frames.last?.id ?? 0 }
            }
            let lastSeen = seen.withLock { $0 }
            #expect(lastSeen > 0)
            // While disconnected, two more messages arrive.
            _ = try await api.postIncoming(inbox: inbox, externalID: "m3", content: "third")
            _ = try await api.postIncoming(inbox: inbox, externalID: "m4", content: "fourth")
            _ = try await client.ws("/api/v1/realtime?token=\(token)&after=\(lastSeen)") { inbound, _, _ in
                let replay = try await Self.read(2, from: inbound)
                #expect(replay.map { $0.data["content"] as? String } == ["third", "fourth"])
                #expect(replay.allSatisfy { $0.id > lastSeen })
            }
        }
    }

    @Test func badTokenOrAfterIsRefusedBeforeUpgrade() async throws {
        try await TestAPI.run { api in
            let token = try await api.login()
            let noToken = try await api.call(.get, "/api/v1/realtime")
            #expect(noToken.status == .unauthorized)
            #expect(noToken.errorCode == "unauthorized")
            #expect(try await api.call(.get, "/api/v1/realtime?token=bogus").status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/realtime?token=\(token)&after=-3").status == .badRequest)
        }
    }
}
