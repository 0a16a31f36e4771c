import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import SwitchboardApp
import SwitchboardServices
import Testing

@Suite("Web chat: visitor and agent sockets")
struct WidgetSocketTests {
    /// A live app with an admin, an admin token and a web chat inbox.
    static func live(_ configure: @escaping @Sendable (inout AppConfig) -> Void = { _ in },
                     _ body: @escaping @Sendable (any TestClientProtocol, TestAPI, String, String) async throws -> Void) async throws {
        var config = AppConfig.testingWithAdmin()
        defer { config.removeTestAttachments() }
        configure(&config)
        let app = try await buildApplication(config)
        try await app.test(.live) { client in
            let api = TestAPI(client: client)
            let token = try await api.login()
            let inbox = try await api.webChatInbox(token)
            try await body(client, api, token, inbox.id)
        }
    }

    static func visitorToken(_ api: TestAPI, _ inbox: String) async throws -> String {
        try #require(try await api.visitorSession(inbox, ["name": "Grace"])["visitor_token"] as? String)
    }

    static func send(_ outbound: WebSocketOutboundWriter, _ object: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
    }

    /// An admin's realtime socket and a visitor's socket, both open while `body` runs.
    static func agentAndVisitor(
        _ client: any TestClientProtocol, admin: String, inbox: String, visitor: String,
        _ body: @escaping @Sendable (_ agent: FrameCollector, _ agentOut: WebSocketOutboundWriter, _ visitor: FrameCollector,
                                     _ visitorOut: WebSocketOutboundWriter) async throws -> Void
    ) async throws {
        _ = try await client.ws("/api/v1/realtime?token=\(admin)") { agentIn, agentOut, _ in
            let agent = FrameCollector(agentIn)
            _ = try await client.ws("/api/v1/widget/\(inbox)/ws?visitor_token=\(visitor)") { inbound, outbound, _ in
                try await body(agent, agentOut, FrameCollector(inbound), outbound)
            }
        }
    }

    @Test func visitorToAgentAndBackWithoutPrivateNotes() async throws {
        try await Self.live { client, api, admin, inbox in
            let visitor = try await Self.visitorToken(api, inbox)
            try await Self.agentAndVisitor(client, admin: admin, inbox: inbox, visitor: visitor) { agent, _, frames, outbound in
                let hello = try #require(try await frames.first("hello"))
                #expect(hello["conversation_id"] is NSNull)
                #expect((hello["messages"] as? [Any])?.isEmpty == true)
                #expect(hello["agents_online"] as? Bool == true, "the admin's realtime socket is open")

                try await Self.send(outbound, ["type": "message", "content": "Where is my parcel?", "client_id": "c1"])
                let ack = try #require(try await frames.first("ack"))
                #expect(ack["client_id"] as? String == "c1")
                let conversation = try #require(ack["conversation_id"] as? String)

                // The agent's socket gets the new conversation and the message, with the stored ids.
                let created = try await agent.first("message.created") { $0.object("data")["content"] as? String == "Where is my parcel?" }
                #expect(created?.object("data")["id"] as? String == ack["message_id"] as? String)
                #expect(try await agent.first("conversation.created")?.object("data")["channel"] as? String == "web_chat")

                _ = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                       json: ["content": "secret refund note", "private": true])
                _ = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                       json: ["content": "It ships today."])
                let reply = try await frames.first("message") { $0.object("message")["content"] as? String == "It ships today." }
                let message = try #require(reply?.object("message"))
                #expect(message.object("sender")["type"] as? String == "agent")
                #expect(message.object("sender")["name"] as? String == "Admin")
                #expect(message["direction"] as? String == "out")
                // The note was written before the reply, so had it been sent it would have arrived first.
                #expect(!frames.all.contains { "\($0)".contains("secret refund note") })
            }
        }
    }

    /// Two tabs of one visitor: the tab a message was sent from gets its ack (with the stored time) and
    /// not the message again; the other tab gets the message.
    @Test func theSendingTabGetsTheAckAndTheOtherTabTheMessage() async throws {
        try await Self.live { client, api, admin, inbox in
            let visitor = try await Self.visitorToken(api, inbox)
            let path = "/api/v1/widget/\(inbox)/ws?visitor_token=\(visitor)"
            _ = try await client.ws(path) { otherIn, _, _ in
                let other = FrameCollector(otherIn)
                _ = try await other.first("hello")
                _ = try await client.ws(path) { inbound, outbound, _ in
                    let frames = FrameCollector(inbound)
                    _ = try await frames.first("hello")
                    try await Self.send(outbound, ["type": "message", "content": "From tab one", "client_id": "t1"])
                    let ack = try #require(try await frames.first("ack"))
                    #expect(ack["created_at"] is String)
                    let conversation = try #require(ack["conversation_id"] as? String)
                    let copy = try await other.first("message") { $0.object("message")["content"] as? String == "From tab one" }
                    #expect(copy?.object("message")["id"] as? String == ack["message_id"] as? String)
                    #expect(copy?.object("message")["client_id"] as? String == "t1")
                    #expect(copy?.object("message")["created_at"] as? String == ack["created_at"] as? String)

                    _ = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                           json: ["content": "Reply to both"])
                    _ = try await frames.first("message") { $0.object("message")["content"] as? String == "Reply to both" }
                    // The hub sends a visitor's frames in event order: had the sending tab been sent its own
                    // message, it would have come before the reply.
                    #expect(!frames.all.contains { $0["type"] as? String == "message" && "\($0)".contains("From tab one") })
                }
            }
        }
    }

    /// The widget reports that the visitor saw the replies: they become `read` (never the private
    /// note), and the agents' sockets learn it as `message.updated`.
    @Test func visitorReadingRepliesMarksThemRead() async throws {
        try await Self.live { client, api, admin, inbox in
            let visitor = try await Self.visitorToken(api, inbox)
            try await Self.agentAndVisitor(client, admin: admin, inbox: inbox, visitor: visitor) { agent, _, frames, outbound in
                _ = try await frames.first("hello")
                try await Self.send(outbound, ["type": "read"])  // no conversation yet: nothing to do
                try await Self.send(outbound, ["type": "message", "content": "Hello?", "client_id": "c1"])
                let conversation = try #require(try await frames.first("ack")?["conversation_id"] as? String)
                let note = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                              json: ["content": "internal", "private": true])
                let reply = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                               json: ["content": "Hi! How can I help?"])
                #expect(reply["status"] as? String == "sent")
                _ = try await frames.first("message") { $0.object("message")["content"] as? String == "Hi! How can I help?" }
                try await Self.send(outbound, ["type": "read"])
                let updated = try await agent.first("message.updated")
                #expect(updated?.object("data")["id"] as? String == reply["id"] as? String)
                #expect(updated?.object("data")["status"] as? String == "read")
                let stored = try await api.call(.get, "/api/v1/conversations/\(conversation)/messages", token: admin).items
                let status = Dictionary(uniqueKeysWithValues: stored.compactMap { m in
                    (m["id"] as? String).map { ($0, m["status"] as? String ?? "") } })
                #expect(status[reply["id"] as? String ?? ""] == "read")
                #expect(status[note["id"] as? String ?? ""] == "sent", "a private note is never read by the customer")
                #expect(stored.first { $0["direction"] as? String == "in" }?["status"] as? String == "delivered")
            }
        }
    }

    @Test func resendingAClientIDIsIdempotentAndAReconnectGetsTheHistory() async throws {
        try await Self.live { client, api, admin, inbox in
            let visitor = try await Self.visitorToken(api, inbox)
            let path = "/api/v1/widget/\(inbox)/ws?visitor_token=\(visitor)"
            let conversation = try await client.ws(path) { inbound, outbound, _ in
                let frames = FrameCollector(inbound)
                _ = try await frames.first("hello")
                try await Self.send(outbound, ["type": "message", "content": "first", "client_id": "same"])
                try await Self.send(outbound, ["type": "message", "content": "first", "client_id": "same"])
                let acks = try await frames.wait(for: 2) { $0["type"] as? String == "ack" }
                #expect(acks.count == 2)
                #expect(Set(acks.compactMap { $0["message_id"] as? String }).count == 1, "one message, acknowledged twice")
            }
            _ = conversation
            let list = try await api.call(.get, "/api/v1/conversations?inbox_id=\(inbox)", token: admin)
            let id = try #require(list.items.first?["id"] as? String)
            // While the visitor is away, the agent answers and leaves a note.
            _ = try await api.call(.post, "/api/v1/conversations/\(id)/messages", token: admin, json: ["content": "note", "private": true])
            _ = try await api.call(.post, "/api/v1/conversations/\(id)/messages", token: admin, json: ["content": "answer"])
            let messages = try await api.call(.get, "/api/v1/conversations/\(id)/messages", token: admin)
            #expect(messages.items.count == 3)

            _ = try await client.ws(path) { inbound, _, _ in
                let hello = try #require(try await FrameCollector(inbound).first("hello"))
                #expect(hello["conversation_id"] as? String == id)
                let history = (hello["messages"] as? [[String: Any]]) ?? []
                #expect(history.compactMap { $0["content"] as? String } == ["first", "answer"])
                #expect(history.first?["client_id"] as? String == "same", "the widget matches its own messages by client_id")
                #expect(history.last?["client_id"] is NSNull)
            }
        }
    }

    @Test func typingTravelsBothWays() async throws {
        try await Self.live { client, api, admin, inbox in
            let visitor = try await Self.visitorToken(api, inbox)
            try await Self.agentAndVisitor(client, admin: admin, inbox: inbox, visitor: visitor) { agent, agentOut, frames, outbound in
                _ = try await frames.first("hello")
                try await Self.send(outbound, ["type": "message", "content": "hi", "client_id": "c1"])
                let conversation = try #require(try await frames.first("ack")?["conversation_id"] as? String)
                try await Self.send(outbound, ["type": "typing", "typing": true])
                let typing = try #require(try await agent.first("typing"))
                #expect(typing.object("data")["conversation_id"] as? String == conversation)
                #expect(typing.object("data").object("actor")["type"] as? String == "contact")
                #expect(typing.object("data")["typing"] as? Bool == true)

                try await Self.send(agentOut, ["type": "typing", "conversation_id": conversation, "typing": true])
                #expect(try await frames.first("typing")?["typing"] as? Bool == true)
                try await Self.send(agentOut, ["type": "typing", "conversation_id": "nope"])
                #expect(try await agent.first("error")?.object("data")["code"] as? String == "not_found")
            }
        }
    }

    @Test func floodingVisitorIsRefusedWithoutStoring() async throws {
        try await Self.live({ $0.widgetLimits.messagesPerVisitor = .init(rate: 0.001, burst: 2) }) { client, api, admin, inbox in
            let visitor = try await Self.visitorToken(api, inbox)
            let other = try await Self.visitorToken(api, inbox)
            _ = try await client.ws("/api/v1/widget/\(inbox)/ws?visitor_token=\(visitor)") { inbound, outbound, _ in
                let frames = FrameCollector(inbound)
                _ = try await frames.first("hello")
                for index in 1...4 {
                    try await Self.send(outbound, ["type": "message", "content": "spam \(index)", "client_id": "c\(index)"])
                }
                let outcomes = try await frames.wait(for: 4) { ["ack", "error"].contains($0["type"] as? String) }
                #expect(outcomes.map { $0["type"] as? String } == ["ack", "ack", "error", "error"])
                #expect(outcomes.last?["code"] as? String == "rate_limited")
                #expect(outcomes.last?["client_id"] as? String == "c4")
                try await Self.send(outbound, ["type": "nonsense"])
                #expect(try await frames.first("error") { $0["code"] as? String == "malformed_frame" } != nil)
            }
            // Another visitor is not affected by the first one's flood.
            _ = try await client.ws("/api/v1/widget/\(inbox)/ws?visitor_token=\(other)") { inbound, outbound, _ in
                let frames = FrameCollector(inbound)
                _ = try await frames.first("hello")
                try await Self.send(outbound, ["type": "message", "content": "legit", "client_id": "x"])
                #expect(try await frames.first("ack") != nil)
            }
            let list = try await api.call(.get, "/api/v1/conversations?inbox_id=\(inbox)", token: admin)
            var stored = 0
            for item in list.items {
                let id = item["id"] as? String ?? ""
                stored += try await api.call(.get, "/api/v1/conversations/\(id)/messages", token: admin).items.count
            }
            #expect(stored == 3)
        }
    }

    @Test func badVisitorTokenIsRefusedBeforeUpgrade() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.webChatInbox(admin)
            let refused = try await api.call(.get, "/api/v1/widget/\(inbox.id)/ws?visitor_token=bogus")
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "unauthorized")
        }
    }

    @Test func agentsSeeOnlyTheirInboxesAdminsSeeAll() async throws {
        try await Self.live { client, api, admin, inbox in
            let agent = try await api.agentToken(admin: admin)
            let shop = try await api.apiInbox(admin)
            _ = try await api.call(.put, "/api/v1/inboxes/\(shop.id)/members", token: admin, json: ["agent_ids": [agent.id]])
            let visitor = try await Self.visitorToken(api, inbox)
            _ = try await client.ws("/api/v1/realtime?token=\(agent.token)") { agentIn, _, _ in
                let frames = FrameCollector(agentIn)
                _ = try await client.ws("/api/v1/widget/\(inbox)/ws?visitor_token=\(visitor)") { inbound, outbound, _ in
                    let visitorFrames = FrameCollector(inbound)
                    _ = try await visitorFrames.first("hello")
                    try await Self.send(outbound, ["type": "message", "content": "web chat", "client_id": "c1"])
                    _ = try await visitorFrames.first("ack")
                }
                _ = try await api.postIncoming(inbox: shop, externalID: "m1", content: "from the shop")
                let first = try await frames.first("message.created")
                // The web chat message was committed first; only the shop's reached this agent.
                #expect(first?.object("data")["content"] as? String == "from the shop")
                #expect(!frames.all.contains { "\($0)".contains("web chat") })
            }
        }
    }

    @Test func oversizedFramesCloseTheSocket() async throws {
        try await Self.live({ $0.widgetLimits.maxFrameSize = 1024 }) { client, api, _, inbox in
            let visitor = try await Self.visitorToken(api, inbox)
            let closed = try await client.ws("/api/v1/widget/\(inbox)/ws?visitor_token=\(visitor)") { inbound, outbound, _ in
                let frames = FrameCollector(inbound)
                _ = try await frames.first("hello")
                try await outbound.write(.text(String(repeating: "x", count: 4096)))
                _ = try await frames.wait(timeout: .seconds(3)) { _ in false }
            }
            #expect(closed.map { "\($0.closeCode)" } == "messageTooLarge")
        }
    }
}
