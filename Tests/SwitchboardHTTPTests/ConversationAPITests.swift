import Foundation
import HTTPTypes
import Testing

@Suite("Conversations and messages API")
struct ConversationAPITests {
    /// An admin token and one conversation that arrived through an api inbox.
    static func seeded(_ api: TestAPI) async throws -> (admin: String, inbox: (id: String, inboundToken: String), conversation: String) {
        let admin = try await api.login()
        let inbox = try await api.apiInbox(admin)
        let incoming = try await api.postIncoming(inbox: inbox, externalID: "m1", content: "My parcel never arrived",
                                                  extra: ["name": "Grace"])
        return (admin, inbox, incoming["conversation_id"] as? String ?? "")
    }

    @Test func listShowsContactLastMessageAndUnread() async throws {
        try await TestAPI.run { api in
            let (admin, inbox, conversation) = try await Self.seeded(api)
            let list = try await api.call(.get, "/api/v1/conversations", token: admin)
            #expect(list.status == .ok)
            #expect(list.json.keys.contains("next_cursor"))
            let item = try #require(list.items.first)
            #expect(item["id"] as? String == conversation)
            #expect(item["number"] as? Int == 1)
            #expect(item["inbox_id"] as? String == inbox.id)
            #expect(item["channel"] as? String == "api")
            #expect(item["status"] as? String == "open")
            #expect(item["assignee_id"] is NSNull)
            #expect((item["contact"] as? [String: Any])?["name"] as? String == "Grace")
            let last = item["last_message"] as? [String: Any]
            #expect(last?["content"] as? String == "My parcel never arrived")
            #expect(last?["direction"] as? String == "in")
            #expect(item["unread_count"] as? Int == 1)
            #expect((item["sla"] as? [String: Any])?["waiting_since"] is String)
            let one = try await api.call(.get, "/api/v1/conversations/\(conversation)", token: admin)
            #expect(one["id"] as? String == conversation)
        }
    }

    @Test func replyIsSentAndNoteStaysPrivate() async throws {
        try await TestAPI.run { api in
            let (admin, _, conversation) = try await Self.seeded(api)
            let uri = "/api/v1/conversations/\(conversation)/messages"
            let note = try await api.call(.post, uri, token: admin, json: ["content": "Check the courier", "private": true])
            #expect(note.status == .created)
            #expect(note["private"] as? Bool == true)
            let reply = try await api.call(.post, uri, token: admin, json: ["content": "Sorry! Resending today."])
            #expect(reply.status == .created)
            #expect(reply["direction"] as? String == "out")
            #expect(reply["private"] as? Bool == false)
            #expect(reply["status"] as? String == "sent")
            #expect((reply["sender"] as? [String: Any])?["type"] as? String == "agent")
            let messages = try await api.call(.get, uri, token: admin).items
            #expect(messages.map { $0["content"] as? String } == ["My parcel never arrived", "Check the courier", "Sorry! Resending today."])
            let item = try await api.call(.get, "/api/v1/conversations/\(conversation)", token: admin)
            #expect((item["last_message"] as? [String: Any])?["content"] as? String == "Sorry! Resending today.")
            #expect(item["unread_count"] as? Int == 0)
            #expect((item["sla"] as? [String: Any])?["first_response_at"] is String)
        }
    }

    /// An agent works the inboxes they are a member of: every other conversation is "not found" on
    /// every route, and left out of lists, search and contact profiles. Admins see everything.
    @Test func agentsSeeOnlyTheirInboxesConversations() async throws {
        try await TestAPI.run { api in
            let (admin, shop, mine) = try await Self.seeded(api)
            let billing = try await api.apiInbox(admin, name: "Billing")
            let other = try await api.postIncoming(inbox: billing, externalID: "b1", content: "A parcel invoice question",
                                                   extra: ["name": "Grace"])
            let hidden = other["conversation_id"] as? String ?? ""
            let agent = try await api.agentToken(admin: admin)

            func listed(_ token: String, _ query: String = "") async throws -> Set<String> {
                Set(try await api.call(.get, "/api/v1/conversations\(query)", token: token).items.compactMap { $0["id"] as? String })
            }
            #expect(try await listed(agent.token) == [], "a member of no inbox sees no conversation")
            #expect(try await listed(admin) == [mine, hidden])
            try await api.call(.put, "/api/v1/inboxes/\(shop.id)/members", token: admin, json: ["agent_ids": [agent.id]])
            #expect(try await listed(agent.token) == [mine])
            #expect(try await listed(agent.token, "?q=parcel") == [mine])
            #expect(try await api.call(.get, "/api/v1/conversations/\(mine)", token: agent.token).status == .ok)

            let uri = "/api/v1/conversations/\(hidden)"
            #expect(try await api.call(.get, uri, token: agent.token).errorCode == "not_found")
            #expect(try await api.call(.get, uri + "/messages", token: agent.token).errorCode == "not_found")
            #expect(try await api.call(.post, uri + "/messages", token: agent.token, json: ["content": "hi"]).errorCode == "not_found")
            #expect(try await api.call(.patch, uri, token: agent.token, json: ["status": "resolved"]).errorCode == "not_found")
            #expect(try await api.call(.post, uri + "/read", token: agent.token).errorCode == "not_found")
            #expect(try await api.call(.get, uri, token: admin)["status"] as? String == "open", "nothing changed")

            let search = try await api.call(.get, "/api/v1/search?q=parcel", token: agent.token)
            let searched = (search["conversations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            let messages = (search["messages"] as? [[String: Any]] ?? []).compactMap { $0["conversation_id"] as? String }
            #expect(searched == [mine] && messages == [mine])
            let contactID = other["contact_id"] as? String ?? ""
            let profile = try await api.call(.get, "/api/v1/contacts/\(contactID)", token: agent.token)
            let profiled = (profile["conversations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(profiled == [mine], "the contact's conversations in the agent's inboxes only")
            let adminProfile = try await api.call(.get, "/api/v1/contacts/\(contactID)", token: admin)
            #expect((adminProfile["conversations"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func patchAssignsLabelsAndResolves() async throws {
        try await TestAPI.run { api in
            let (admin, inbox, conversation) = try await Self.seeded(api)
            let agent = try await api.agentToken(admin: admin)
            try await api.call(.put, "/api/v1/inboxes/\(inbox.id)/members", token: admin, json: ["agent_ids": [agent.id]])
            let team = try await api.call(.post, "/api/v1/teams", token: admin, json: ["name": "Logistics", "agent_ids": [agent.id]])
            let teamID = team["id"] as? String ?? ""
            let uri = "/api/v1/conversations/\(conversation)"
            let patched = try await api.call(.patch, uri, token: agent.token, json: [
                "assignee_id": agent.id, "team_id": teamID, "priority": "high", "labels": ["Shipping", "vip"], "status": "pending",
            ])
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched["assignee_id"] as? String == agent.id)
            #expect(patched["team_id"] as? String == teamID)
            #expect(patched["priority"] as? String == "high")
            #expect(patched["labels"] as? [String] == ["shipping", "vip"])
            #expect(patched["status"] as? String == "pending")

            let unassigned = try await api.call(.patch, uri, token: agent.token, json: ["assignee_id": NSNull()])
            #expect(unassigned["assignee_id"] is NSNull)
            #expect(unassigned["team_id"] as? String == teamID)

            let snoozeWithoutTime = try await api.call(.patch, uri, token: admin, json: ["status": "snoozed"])
            #expect(snoozeWithoutTime.status == .unprocessableContent)
            let snoozed = try await api.call(.patch, uri, token: admin, json: ["status": "snoozed", "snoozed_until": "2099-01-01T00:00:00Z"])
            #expect(snoozed["snoozed_until"] as? String == "2099-01-01T00:00:00Z")
            let resolved = try await api.call(.patch, uri, token: admin, json: ["status": "resolved"])
            #expect(resolved["status"] as? String == "resolved")
            #expect(resolved["resolved_at"] is String)
        }
    }

    @Test func patchRejectsUnknownAssigneeBadStatusAndEmptyBody() async throws {
        try await TestAPI.run { api in
            let (admin, _, conversation) = try await Self.seeded(api)
            let uri = "/api/v1/conversations/\(conversation)"
            #expect(try await api.call(.patch, uri, token: admin, json: ["assignee_id": "ghost"]).status == .notFound)
            #expect(try await api.call(.patch, uri, token: admin, json: ["status": "closed"]).status == .unprocessableContent)
            #expect(try await api.call(.patch, uri, token: admin, json: ["labels": ["bad label!"]]).status == .unprocessableContent)
            #expect(try await api.call(.patch, uri, token: admin, json: [:]).status == .unprocessableContent)
            #expect(try await api.call(.patch, "/api/v1/conversations/nope", token: admin, json: ["status": "open"]).status == .notFound)
        }
    }

    @Test func filtersAndPaging() async throws {
        try await TestAPI.run { api in
            let admin = try await api.login()
            let shop = try await api.apiInbox(admin, name: "Shop")
            let other = try await api.apiInbox(admin, name: "Other")
            for index in 0..<5 {
                _ = try await api.postIncoming(inbox: shop, externalID: "s\(index)", contact: "c\(index)", content: "refund please \(index)")
            }
            let odd = try await api.postIncoming(inbox: other, externalID: "o1", contact: "z", content: "login broken")
            let oddID = odd["conversation_id"] as? String ?? ""
            _ = try await api.call(.patch, "/api/v1/conversations/\(oddID)", token: admin, json: ["labels": ["bug"], "status": "pending"])

            func ids(_ query: String) async throws -> [String] {
                try await api.call(.get, "/api/v1/conversations?\(query)", token: admin).items.compactMap { $0["id"] as? String }
            }
            #expect(try await ids("inbox_id=\(other.id)") == [oddID])
            #expect(try await ids("status=pending") == [oddID])
            #expect(try await ids("label=bug") == [oddID])
            #expect(try await ids("q=login") == [oddID])
            #expect(try await ids("assignee_id=none").count == 6)
            #expect(try await ids("assignee_id=me").isEmpty)
            #expect(try await ids("channel=email").isEmpty)
            #expect(try await ids("q=refund").count == 5)

            var seen: [String] = []
            var cursor: String?
            repeat {
                let query = "limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await api.call(.get, "/api/v1/conversations?\(query)", token: admin)
                #expect(page.items.count <= 2)
                seen += page.items.compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 6)
            #expect(Set(seen).count == 6)
            #expect(seen.first == oddID)
        }
    }

    @Test func markReadClearsUnreadCount() async throws {
        try await TestAPI.run { api in
            let (admin, _, conversation) = try await Self.seeded(api)
            let read = try await api.call(.post, "/api/v1/conversations/\(conversation)/read", token: admin)
            #expect(read.status == .ok)
            #expect(read["unread_count"] as? Int == 0)
        }
    }
}
