import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchboardApp
import SwitchboardServices
import Testing

@Suite("Web chat widget: settings, sessions, identity")
struct WidgetAPITests {
    @Test func configIsPublicWithCORSAndOnlyForWebChatInboxes() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.webChatInbox(admin, settings: ["greeting": "Hi there", "pre_chat_form": true])
            let config = try await api.call(.get, "/api/v1/widget/\(inbox.id)/config")
            #expect(config.status == .ok)
            #expect(config["greeting"] as? String == "Hi there")
            #expect(config["pre_chat_form"] as? Bool == true)
            #expect(config["agents_online"] as? Bool == false)
            #expect(config["business_hours_open"] as? Bool == true)
            #expect(config.headers[.accessControlAllowOrigin] == "*")

            let api2 = try await api.apiInbox(admin)
            let wrongKind = try await api.call(.get, "/api/v1/widget/\(api2.id)/config")
            #expect(wrongKind.status == .notFound)
            #expect(wrongKind.errorCode == "not_found")
            #expect(wrongKind.headers[.accessControlAllowOrigin] == "*", "errors must be readable cross-origin too")

            let preflight = try await api.call(.options, "/api/v1/widget/\(inbox.id)/sessions")
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
        }
    }

    @Test func businessHoursAreCheckedWhenTheInboxIsCreated() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let bad = try await api.call(.post, "/api/v1/inboxes", token: admin, json: [
                "name": "Site", "channel": "web_chat",
                "settings": ["business_hours": ["timezone": "Mars/Olympus", "days": [:] as [String: Any]]],
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.errorMessage?.contains("timezone") == true)
            let closedAllWeek = try await api.webChatInbox(admin, settings: [
                "business_hours": ["timezone": "UTC", "days": [:] as [String: Any]],
            ])
            let config = try await api.call(.get, "/api/v1/widget/\(closedAllWeek.id)/config")
            #expect(config["business_hours_open"] as? Bool == false)
        }
    }

    @Test func anonymousSessionsAreCheckedByToken() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.webChatInbox(admin)
            let opened = try await api.visitorSession(inbox.id, ["name": "Grace"])
            #expect(opened.status == .created)
            #expect(opened["verified"] as? Bool == false)
            let token = try #require(opened["visitor_token"] as? String)
            let tokenHeader = HTTPField.Name("X-Visitor-Token")!
            let current = try await api.call(.get, "/api/v1/widget/\(inbox.id)/session", headers: [tokenHeader: token])
            #expect(current.status == .ok)
            #expect(current["contact_id"] as? String == opened["contact_id"] as? String)
            let wrong = try await api.call(.get, "/api/v1/widget/\(inbox.id)/session", headers: [tokenHeader: "nope"])
            #expect(wrong.status == .unauthorized)
            let other = try await api.webChatInbox(admin)
            let elsewhere = try await api.call(.get, "/api/v1/widget/\(other.id)/session", headers: [tokenHeader: token])
            #expect(elsewhere.status == .unauthorized, "a token works only in the inbox it was made for")
            let badEmail = try await api.visitorSession(inbox.id, ["email": "not-an-email"])
            #expect(badEmail.status == .unprocessableContent)
            let malformed = try await api.call(.post, "/api/v1/widget/\(inbox.id)/sessions", body: "{oops")
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func verifiedIdentityNeedsTheRightHash() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.webChatInbox(admin, settings: ["require_identity_verification": true])
            let good = IdentityVerifier.hash(identifier: "user-42", secret: inbox.secret)

            let missing = try await api.visitorSession(inbox.id, [:])
            #expect(missing.status == .unauthorized)
            let noHash = try await api.visitorSession(inbox.id, ["identifier": "user-42"])
            #expect(noHash.status == .unauthorized)
            let bad = try await api.visitorSession(inbox.id, ["identifier": "user-42", "identifier_hash": String(repeating: "0", count: 64)])
            #expect(bad.status == .unauthorized)
            #expect(bad.errorCode == "unauthorized")
            let otherUser = try await api.visitorSession(inbox.id, ["identifier": "user-43", "identifier_hash": good])
            #expect(otherUser.status == .unauthorized, "a hash proves one identifier only")

            let first = try await api.visitorSession(inbox.id, ["identifier": "user-42", "identifier_hash": good.uppercased()])
            #expect(first.status == .created)
            #expect(first["verified"] as? Bool == true)
            let again = try await api.visitorSession(inbox.id, ["identifier": "user-42", "identifier_hash": good])
            #expect(again["contact_id"] as? String == first["contact_id"] as? String, "the same customer on another device")
        }
    }

    @Test func anIdentifierWithoutHashIsAnonymousWhereVerificationIsOptional() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.webChatInbox(admin)
            let first = try await api.visitorSession(inbox.id, ["identifier": "user-42"])
            let second = try await api.visitorSession(inbox.id, ["identifier": "user-42"])
            #expect(first["verified"] as? Bool == false)
            #expect(first["contact_id"] as? String != second["contact_id"] as? String, "an unsigned identifier claims nothing")
        }
    }

    @Test func sessionsPerAddressAreRateLimited() async throws {
        try await TestAPI.run({ $0.widgetLimits.sessionsPerIP = .init(rate: 0.001, burst: 2) }) { api in
            let admin = try await api.login()
            let inbox = try await api.webChatInbox(admin)
            #expect(try await api.visitorSession(inbox.id).status == .created)
            #expect(try await api.visitorSession(inbox.id).status == .created)
            let third = try await api.visitorSession(inbox.id)
            #expect(third.status == .tooManyRequests)
            #expect(third.errorCode == "rate_limited")
        }
    }

    @Test func widgetScriptIsServed() async throws {
        try await TestAPI.run { api in
            let script = try await api.call(.get, "/widget.js")
            #expect(script.status == .ok)
            #expect(script.headers[.contentType]?.hasPrefix("application/javascript") == true)
            #expect(script.text.contains("api/v1/widget/"))
        }
    }

    @Test func onlyAdminsChangeInboxMembers() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.webChatInbox(admin)
            let agent = try await api.agentToken(admin: admin)
            let set = try await api.call(.put, "/api/v1/inboxes/\(inbox.id)/members", token: admin, json: ["agent_ids": [agent.id]])
            #expect(set.status == .ok)
            #expect(set["agent_ids"] as? [String] == [agent.id])
            let listed = try await api.call(.get, "/api/v1/inboxes/\(inbox.id)/members", token: agent.token)
            #expect(listed["agent_ids"] as? [String] == [agent.id])
            let forbidden = try await api.call(.put, "/api/v1/inboxes/\(inbox.id)/members", token: agent.token, json: ["agent_ids": []])
            #expect(forbidden.status == .forbidden)
            let ghost = try await api.call(.put, "/api/v1/inboxes/\(inbox.id)/members", token: admin, json: ["agent_ids": ["ghost"]])
            #expect(ghost.status == .notFound)
            let noInbox = try await api.call(.get, "/api/v1/inboxes/nope/members", token: admin)
            #expect(noInbox.status == .notFound)
        }
    }
}

@Suite("Attachments")
struct AttachmentAPITests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(repeating: 7, count: 100)

    static func upload(_ api: TestAPI, _ path: String, _ data: Data, type: String, headers: HTTPFields = [:]) async throws -> TestAPI.Reply {
        var headers = headers
        headers[.contentType] = type
        return try await api.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: data)) { response in
            TestAPI.Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    @Test func visitorFilesReachTheirConversationAndNobodyElse() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let inbox = try await api.webChatInbox(admin)
            let token = try #require(try await api.visitorSession(inbox.id)["visitor_token"] as? String)
            let stranger = try #require(try await api.visitorSession(inbox.id)["visitor_token"] as? String)
            let visitorHeader: HTTPFields = [HTTPField.Name("X-Visitor-Token")!: token]

            let refused = try await Self.upload(api, "/api/v1/widget/\(inbox.id)/attachments", Data("MZ".utf8),
                                                type: "application/x-msdownload", headers: visitorHeader)
            #expect(refused.status == .unprocessableContent)
            let anonymous = try await Self.upload(api, "/api/v1/widget/\(inbox.id)/attachments", Self.png, type: "image/png")
            #expect(anonymous.status == .unauthorized)

            let uploaded = try await Self.upload(api, "/api/v1/widget/\(inbox.id)/attachments?filename=../../etc/shot.png",
                                                 Self.png, type: "image/png", headers: visitorHeader)
            #expect(uploaded.status == .created)
            #expect(uploaded["filename"] as? String == "shot.png", "no path survives in a file name")
            #expect(uploaded["size"] as? Int == Self.png.count)
            let id = try #require(uploaded["id"] as? String)

            let own = try await api.call(.get, "/api/v1/widget/\(inbox.id)/attachments/\(id)?visitor_token=\(token)")
            #expect(own.status == .ok)
            #expect(own.headers[.contentType] == "image/png")
            #expect(own.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let other = try await api.call(.get, "/api/v1/widget/\(inbox.id)/attachments/\(id)?visitor_token=\(stranger)")
            #expect(other.status == .notFound, "another visitor cannot open it")
            let agent = try await api.call(.get, "/api/v1/attachments/\(id)", token: admin)
            #expect(agent.status == .ok)
            #expect(agent.headers[.contentLength] == String(Self.png.count))
            #expect(agent.headers[.contentDisposition]?.hasPrefix("inline;") == true)
            let noAuth = try await api.call(.get, "/api/v1/attachments/\(id)")
            #expect(noAuth.status == .unauthorized)
        }
    }

    @Test func agentsReplyWithFilesTheCustomerCanOpen() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let shop = try await api.apiInbox(admin)
            let incoming = try await api.postIncoming(inbox: shop, externalID: "m1")
            let conversation = try #require(incoming["conversation_id"] as? String)
            let file = try await Self.upload(api, "/api/v1/attachments?filename=invoice.pdf", Data("%PDF-1.4 test".utf8),
                                             type: "application/pdf", headers: [.authorization: "Bearer \(admin)"])
            #expect(file.status == .created)
            let id = try #require(file["id"] as? String)
            let reply = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                           json: ["content": "", "attachments": [id]])
            #expect(reply.status == .created)
            let attached = (reply["attachments"] as? [[String: Any]]) ?? []
            #expect(attached.map { $0["filename"] as? String } == ["invoice.pdf"])
            let again = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                           json: ["content": "once more", "attachments": [id]])
            #expect(again.status == .notFound, "a file is claimed by one message only")
            let empty = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin, json: ["content": ""])
            #expect(empty.status == .unprocessableContent)
            let download = try await api.call(.get, "/api/v1/attachments/\(id)", token: admin)
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true, "PDFs download instead of rendering")
        }
    }

    @Test func oversizedUploadsAreRefused() async throws {
        try await TestAPI.run({ $0.attachmentPolicy.maxSize = 64 }) { api in
            let admin = try await api.login()
            let big = try await Self.upload(api, "/api/v1/attachments", Self.png, type: "image/png",
                                            headers: [.authorization: "Bearer \(admin)"])
            #expect(big.status == .contentTooLarge)
            #expect(big.errorCode == "payload_too_large")
        }
    }

    /// The `url` of an attachment in a reply's callback: the inbox's integration downloads it with its own
    /// token, and only files of public messages in that inbox's conversations.
    @Test func theIntegrationDownloadsTheFilesOfItsInboxWithItsToken() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let shop = try await api.apiInbox(admin)
            let other = try await api.apiInbox(admin, name: "Other")
            let conversation = try #require(try await api.postIncoming(inbox: shop, externalID: "m1")["conversation_id"] as? String)
            let pdf = Data("%PDF-1.4 invoice".utf8)
            func upload() async throws -> String {
                let file = try await Self.upload(api, "/api/v1/attachments?filename=invoice.pdf", pdf,
                                                type: "application/pdf", headers: [.authorization: "Bearer \(admin)"])
                return try #require(file["id"] as? String)
            }
            let (replied, noted, unsent) = (try await upload(), try await upload(), try await upload())
            let reply = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                           json: ["content": "Your invoice", "attachments": [replied]])
            #expect(reply.status == .created)
            let note = try await api.call(.post, "/api/v1/conversations/\(conversation)/messages", token: admin,
                                          json: ["content": "internal", "private": true, "attachments": [noted]])
            #expect(note.status == .created)
            let inboxToken = HTTPField.Name("X-Inbox-Token")!
            func download(_ id: String, inbox: (id: String, inboundToken: String)) async throws -> TestAPI.Reply {
                try await api.call(.get, "/api/v1/inboxes/\(inbox.id)/attachments/\(id)", headers: [inboxToken: inbox.inboundToken])
            }

            let file = try await download(replied, inbox: shop)
            #expect(file.status == .ok)
            #expect(file.text == "%PDF-1.4 invoice" && file.headers[.contentType] == "application/pdf")
            #expect(file.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(try await download(noted, inbox: shop).status == .notFound, "a private note's file stays with the agents")
            #expect(try await download(unsent, inbox: shop).status == .notFound, "an upload no message has sent")
            #expect(try await download(replied, inbox: other).status == .notFound, "another inbox's integration")
            #expect(try await download(replied, inbox: (shop.id, other.inboundToken)).status == .unauthorized)
            let missing = try await api.call(.get, "/api/v1/inboxes/\(shop.id)/attachments/\(replied)")
            #expect(missing.status == .unauthorized && missing.errorCode == "unauthorized")
            let agentToken = try await api.call(.get, "/api/v1/inboxes/\(shop.id)/attachments/\(replied)", token: admin)
            #expect(agentToken.status == .unauthorized, "an agent token is not an inbox token")
        }
    }
}
