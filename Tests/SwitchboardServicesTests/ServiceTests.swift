import Foundation
import Logging
import SwitchboardCore
import SwitchboardServices
import SwitchboardSQLite
import SwitchboardStore
import Testing

@Suite("Use cases")
struct ServiceTests {
    let storage: any Storage
    let auth: AuthService
    let inboxes: InboxService
    let ingest: IngestService
    let conversations: ConversationService

    init() throws {
        storage = try SQLiteStorage.inMemory()
        auth = AuthService(storage: storage, bcryptCost: 4)
        inboxes = InboxService(storage: storage, publicURL: "https://desk.example.com/")
        ingest = IngestService(storage: storage, events: LocalEventBus(), logger: Logger(label: "test"))
        conversations = ConversationService(storage: storage, events: LocalEventBus(), signals: LocalSignalBus(), logger: Logger(label: "test"))
    }

    func admin() async throws -> Agent {
        try await auth.createAgent(in: Workspace.defaultID, email: "boss@example.com", name: "Boss", password: "password1", role: .admin)
    }

    @Test func tokensAreStoredAsDigestsAndAuthenticate() async throws {
        _ = try await admin()
        let login = try await auth.login(email: "BOSS@example.com", password: "password1")
        #expect(login.token.count == 43)
        #expect(try await auth.authenticate(token: login.token) == login.agent)
        // The store knows the digest, never the token itself.
        #expect(try await storage.directory.agent(tokenDigest: login.token) == nil)
        #expect(try await storage.directory.agent(tokenDigest: Secrets.digest(login.token)) == login.agent)
        await #expect(throws: ServiceError.self) { try await auth.authenticate(token: login.token + "x") }
        await #expect(throws: ServiceError.self) { try await auth.login(email: "boss@example.com", password: "password2") }
    }

    @Test func agentsCannotCreateAgentsOrInboxes() async throws {
        let boss = try await admin()
        let agent = try await auth.createAgent(by: boss, email: "a@example.com", name: "A", password: "password1", role: .agent)
        await #expect(throws: ServiceError.forbidden("Only admins can create agents.")) {
            try await auth.createAgent(by: agent, email: "b@example.com", name: "B", password: "password1", role: .admin)
        }
        await #expect(throws: ServiceError.forbidden("Only admins can create inboxes.")) {
            try await inboxes.create(by: agent, name: "X", channel: .api, settings: [:])
        }
    }

    @Test func inboundNeedsTheRightTokenForThatInbox() async throws {
        let boss = try await admin()
        let first = try await inboxes.create(by: boss, name: "One", channel: .api, settings: [:])
        let second = try await inboxes.create(by: boss, name: "Two", channel: .api, settings: [:])
        let message = IncomingMessage(inboxID: first.inbox.id, externalID: "e1",
                                      contact: ContactDraft(externalID: "c", name: nil, email: nil, phone: nil),
                                      content: "hi", sentAt: nil)
        await #expect(throws: ServiceError.unauthenticated("The inbox token is missing or wrong.")) {
            try await ingest.receive(message, inboundToken: second.inboundToken ?? "")
        }
        let stored = try await ingest.receive(message, inboundToken: first.inboundToken ?? "")
        #expect(stored.message.content == "hi")
    }

    @Test func webhookURLAndMaskingFollowTheChannel() async throws {
        let boss = try await admin()
        let telegram = try await inboxes.create(by: boss, name: "TG", channel: .telegram,
                                                settings: ["bot_token": .string("123456:ABCDEF-secret-9876")])
        #expect(inboxes.webhookURL(of: telegram.inbox) == "https://desk.example.com/api/v1/webhooks/telegram/\(telegram.inbox.id)")
        #expect(InboxService.masked(telegram.inbox.settings)["bot_token"] == .string("••••9876"))
        let api = try await inboxes.create(by: boss, name: "API", channel: .api, settings: [:])
        #expect(inboxes.webhookURL(of: api.inbox) == nil)
    }

    @Test func replyStatusDependsOnChannelAndPrivacy() async throws {
        let boss = try await admin()
        let api = try await inboxes.create(by: boss, name: "API", channel: .api, settings: [:])
        let result = try await ingest.receive(
            IncomingMessage(inboxID: api.inbox.id, externalID: "e", contact: ContactDraft(externalID: "c", name: nil, email: nil, phone: nil),
                            content: "hi", sentAt: nil),
            inboundToken: api.inboundToken ?? "")
        let reply = try await conversations.reply(to: result.conversation.id, by: boss, content: "hello", isPrivate: false)
        #expect(reply.status == .sent)
        let note = try await conversations.reply(to: result.conversation.id, by: boss, content: "note", isPrivate: true)
        #expect(note.isPrivate)
        await #expect(throws: ServiceError.self) {
            try await conversations.reply(to: result.conversation.id, by: boss, content: "  ", isPrivate: false)
        }
    }
}
