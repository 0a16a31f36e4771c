import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchboardApp
import Testing

/// A JSON client over `app.test(.router)` for the API tests.
struct TestAPI {
    struct Reply {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let text: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
        var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
        subscript(key: String) -> Any? { json[key] }
    }

    static let adminEmail = "admin@example.com"
    static let adminPassword = "correct horse"

    let client: any TestClientProtocol

    /// Runs `body` against a fresh in-memory Switchboard that has one admin.
    static func run(_ configure: (inout AppConfig) -> Void = { _ in },
                    _ body: @escaping @Sendable (TestAPI) async throws -> Void) async throws {
        var config = AppConfig.testingWithAdmin()
        defer { config.removeTestAttachments() }
        configure(&config)
        let app = try await buildApplication(config)
        try await app.test(.router) { client in try await body(TestAPI(client: client)) }
    }

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers,
                                        body: body.map { ByteBuffer(string: $0) }) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: [String: Any],
              headers: HTTPFields = [:]) async throws -> Reply {
        let data = try JSONSerialization.data(withJSONObject: json)
        return try await call(method, uri, token: token, body: String(decoding: data, as: UTF8.self), headers: headers)
    }

    func login(_ email: String = adminEmail, _ password: String = adminPassword) async throws -> String {
        let reply = try await call(.post, "/api/v1/auth/login", json: ["email": email, "password": password])
        #expect(reply.status == .ok, "login failed: \(reply.text)")
        return reply["token"] as? String ?? ""
    }

    /// Creates an `api` inbox and returns (id, inbound token).
    func apiInbox(_ token: String, name: String = "Shop") async throws -> (id: String, inboundToken: String) {
        let reply = try await call(.post, "/api/v1/inboxes", token: token, json: ["name": name, "channel": "api"])
        #expect(reply.status == .created, "inbox create failed: \(reply.text)")
        return (reply["id"] as? String ?? "", reply["inbound_token"] as? String ?? "")
    }

    func postIncoming(inbox: (id: String, inboundToken: String), externalID: String, contact: String = "cust-1",
                      content: String = "Hello", extra: [String: Any] = [:]) async throws -> Reply {
        var contactBody: [String: Any] = ["external_id": contact]
        contactBody.merge(extra) { $1 }
        return try await call(
            .post, "/api/v1/inboxes/\(inbox.id)/incoming",
            json: ["external_id": externalID, "contact": contactBody, "content": content],
            headers: [HTTPField.Name("X-Inbox-Token")!: inbox.inboundToken])
    }

    /// Creates a `web_chat` inbox and returns (id, hmac secret).
    func webChatInbox(_ token: String, settings: [String: Any] = [:]) async throws -> (id: String, secret: String) {
        let reply = try await call(.post, "/api/v1/inboxes", token: token,
                                   json: ["name": "Site", "channel": "web_chat", "settings": settings])
        #expect(reply.status == .created, "inbox create failed: \(reply.text)")
        return (reply["id"] as? String ?? "", reply["hmac_secret"] as? String ?? "")
    }

    /// Opens a visitor session and returns the reply (visitor_token, contact_id, verified).
    func visitorSession(_ inbox: String, _ body: [String: Any] = [:]) async throws -> Reply {
        try await call(.post, "/api/v1/widget/\(inbox)/sessions", json: body)
    }

    /// Creates an agent with role `agent` and returns its token.
    func agentToken(admin: String, email: String = "agent@example.com") async throws -> (id: String, token: String) {
        let created = try await call(.post, "/api/v1/agents", token: admin,
                                     json: ["email": email, "name": "Agent", "password": "agent pass 1", "role": "agent"])
        #expect(created.status == .created, "agent create failed: \(created.text)")
        return (created["id"] as? String ?? "", try await login(email, "agent pass 1"))
    }
}
