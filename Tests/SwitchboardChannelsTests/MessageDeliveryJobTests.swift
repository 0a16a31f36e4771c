import Crypto
import Foundation
import HTTPTypes
import Logging
import NIOCore
import SwitchboardChannels
import SwitchboardCore
import SwitchboardServices
import SwitchboardSQLite
import SwitchboardStore
import Testing

/// Replies in an `api` inbox with a callback_url, delivered by the job worker to a real HTTP endpoint.
@Suite("Reply delivery to an api inbox's callback")
struct MessageDeliveryJobTests {
    /// An installation with one api inbox whose callback is `url`, a customer's message in it, and a
    /// worker that runs delivery jobs.
    struct Fixture {
        let storage: SQLiteStorage
        let admin: Agent
        let inbox: Inbox
        let conversation: ConversationID
        let conversations: ConversationService
        let worker: JobWorker
        let http = OutboundHTTPClient()

        init(callback url: String) async throws {
            storage = try SQLiteStorage.inMemory()
            let events = LocalEventBus()
            admin = try await AuthService(storage: storage, bcryptCost: 4)
                .createAgent(in: Workspace.defaultID, email: "a@example.com", name: "A", password: "password1", role: .admin)
            inbox = try await InboxService(storage: storage, publicURL: "http://localhost")
                .create(by: admin, name: "Shop", channel: .api, settings: ["callback_url": .string(url)]).inbox
            conversation = try await storage.workspace(Workspace.defaultID).appendIncoming(IncomingMessage(
                inboxID: inbox.id, externalID: "m1", contact: ContactDraft(externalID: "customer-7", name: "Ada", email: nil, phone: nil),
                content: "Where is my order?", sentAt: nil)).conversation.id
            conversations = ConversationService(storage: storage, events: events, signals: LocalSignalBus(), logger: Logger(label: "test"))
            worker = JobWorker(queue: storage.jobs, handlers: [
                MessageDeliveryJob(storage: storage, events: events, http: http, timeout: .seconds(2),
                                   publicURL: "https://help.example.com/", logger: Logger(label: "test")),
            ], logger: Logger(label: "test"))
        }

        var store: any WorkspaceStorage { storage.workspace(Workspace.defaultID) }

        func reply(_ text: String, isPrivate: Bool = false, attachments: [AttachmentID] = []) async throws -> Message {
            try await conversations.reply(to: conversation, by: admin, content: text, isPrivate: isPrivate, attachments: attachments)
        }

        func status(of message: Message) async throws -> DeliveryStatus? {
            try await store.message(message.id)?.status
        }

        /// Runs due jobs (as if `now` had come; by default once a new delivery job is due) until none is left.
        func runJobs(now: Date = Date() + OutboundDelivery.storeGrace) async throws -> Int {
            var ran = 0
            while try await worker.runNext(now: now) { ran += 1 }
            return ran
        }

        /// Runs a job that failed its first attempt through every later one, each after its backoff.
        func runRemainingAttempts() async throws {
            var later = Date()
            for _ in 2...OutboundDelivery.maxAttempts {
                later += 3_700  // past any backoff
                #expect(try await worker.runNext(now: later))
            }
            #expect(try await runJobs(now: later + 3_700) == 0, "given up")
        }

        /// Runs `body` on a new fixture whose callback is `url`; its HTTP client is shut down however
        /// `body` ends (one left open would stop the whole test process when released).
        static func with(callback url: String, _ body: (Fixture) async throws -> Void) async throws {
            let fixture = try await Fixture(callback: url)
            do {
                try await body(fixture)
            } catch {
                try await fixture.http.shutdown()
                throw error
            }
            try await fixture.http.shutdown()
        }
    }

    @Test func aReplyIsPostedSignedAndThenSent() async throws {
        try await CallbackReceiver.listening { receiver, url in try await Fixture.with(callback: url) { fixture in
            let reply = try await fixture.reply("It ships today")
            #expect(reply.status == .queued)
            #expect(try await fixture.runJobs() == 1)
            #expect(try await fixture.status(of: reply) == .sent)

            let request = try #require(await receiver.requests.first)
            let secret = try #require(fixture.inbox.settings["callback_secret"]?.stringValue)
            let mac = HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Data(secret.utf8)))
            #expect(request.signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
            #expect(request.delivery == reply.id.rawValue)
            let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
            #expect(body["event"] as? String == "message.created")
            let message = try #require(body["message"] as? [String: Any])
            #expect(message["content"] as? String == "It ships today" && message["id"] as? String == reply.id.rawValue)
            #expect((body["contact"] as? [String: Any])?["external_id"] as? String == "customer-7")
            #expect((body["conversation"] as? [String: Any])?["id"] as? String == fixture.conversation.rawValue)
        } }
    }

    @Test func attachmentsComeWithTheURLTheIntegrationDownloadsThemAt() async throws {
        try await CallbackReceiver.listening { receiver, url in try await Fixture.with(callback: url) { fixture in
            let file = try await fixture.store.createAttachment(NewAttachment(
                digest: String(repeating: "a", count: 64), contentType: "application/pdf", size: 12, filename: "invoice.pdf",
                uploader: .agent(fixture.admin.id)))
            _ = try await fixture.reply("Your invoice", attachments: [file.id])
            #expect(try await fixture.runJobs() == 1)
            let request = try #require(await receiver.requests.first)
            let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
            let attachments = try #require((body["message"] as? [String: Any])?["attachments"] as? [[String: Any]])
            #expect(attachments.count == 1)
            #expect(attachments.first?["id"] as? String == file.id.rawValue)
            #expect(attachments.first?["filename"] as? String == "invoice.pdf")
            #expect(attachments.first?["url"] as? String
                    == "https://help.example.com/api/v1/inboxes/\(fixture.inbox.id.rawValue)/attachments/\(file.id.rawValue)")
        } }
    }

    @Test func privateNotesAreNeverPosted() async throws {
        try await CallbackReceiver.listening { receiver, url in try await Fixture.with(callback: url) { fixture in
            let note = try await fixture.reply("VIP customer", isPrivate: true)
            #expect(note.status == .sent)
            #expect(try await fixture.runJobs() == 0)
            #expect(await receiver.requests.isEmpty)
        } }
    }

    @Test func aRefusedReplyFailsAtOnceAndAnAgentCanRetryIt() async throws {
        try await CallbackReceiver.listening { receiver, url in try await Fixture.with(callback: url) { fixture in
            await receiver.answer(with: .badRequest)
            let reply = try await fixture.reply("It ships today")
            #expect(try await fixture.runJobs() == 1)
            #expect(try await fixture.status(of: reply) == .failed)

            await receiver.answer(with: .noContent)
            let retried = try await fixture.conversations.retryDelivery(of: reply.id, in: fixture.conversation, by: fixture.admin)
            #expect(retried.status == .queued)
            #expect(try await fixture.runJobs() == 1)
            #expect(try await fixture.status(of: reply) == .sent)
            #expect(await receiver.requests.map(\.delivery) == [reply.id.rawValue, reply.id.rawValue], "one id across attempts")

            await #expect(throws: ServiceError.self, "only a failed reply can be retried") {
                try await fixture.conversations.retryDelivery(of: reply.id, in: fixture.conversation, by: fixture.admin)
            }
        } }
    }

    @Test func aServerErrorIsRetriedUntilTheLastAttemptFailsIt() async throws {
        try await CallbackReceiver.listening { receiver, url in try await Fixture.with(callback: url) { fixture in
            await receiver.answer(with: .serviceUnavailable)
            let reply = try await fixture.reply("It ships today")
            let due = Date() + OutboundDelivery.storeGrace
            #expect(try await fixture.runJobs(now: due) == 1)
            #expect(try await fixture.status(of: reply) == .queued, "still trying")
            #expect(try await fixture.runJobs(now: due) == 0, "the next attempt waits for its backoff")
            try await fixture.runRemainingAttempts()
            #expect(try await fixture.status(of: reply) == .failed)
            #expect(await receiver.requests.count == OutboundDelivery.maxAttempts)
        } }
    }

    @Test func anUnreachableCallbackIsRetriedNotFailed() async throws {
        // Port 9 (discard) has no listener on loopback here: the connection is refused.
        try await Fixture.with(callback: "http://127.0.0.1:9/hook") { fixture in
            let reply = try await fixture.reply("It ships today")
            #expect(try await fixture.runJobs() == 1)
            #expect(try await fixture.status(of: reply) == .queued)
        }
    }

    @Test func aJobWhoseReplyWasNeverStoredWaitsThenGivesUp() async throws {
        // The job is queued before its reply is written; here the write never happened.
        try await Fixture.with(callback: "http://127.0.0.1:9/hook") { fixture in
            let conversation = try #require(try await fixture.store.conversation(fixture.conversation)?.conversation)
            let queuedAt = Date()
            let job = try await fixture.storage.jobs.enqueue(OutboundDelivery.job(for: MessageID("never-stored"), in: conversation,
                                                                                 now: queuedAt))
            #expect(try await fixture.worker.runNext(now: queuedAt) == false, "not due until the reply had time to be stored")
            #expect(try await fixture.worker.runNext(now: queuedAt + OutboundDelivery.storeGrace))
            #expect(try await fixture.storage.jobs.job(job.id)?.state == .queued, "the reply may still be on its way")
            try await fixture.runRemainingAttempts()
            #expect(try await fixture.storage.jobs.job(job.id)?.state == .dead)
        }
    }

    @Test func aCallbackMustBeAWebAddress() async throws {
        let storage = try SQLiteStorage.inMemory()
        let admin = try await AuthService(storage: storage, bcryptCost: 4)
            .createAgent(in: Workspace.defaultID, email: "a@example.com", name: "A", password: "password1", role: .admin)
        let inboxes = InboxService(storage: storage, publicURL: "http://localhost")
        for bad in ["ftp://example.com/hook", "/hook", "not a url"] {
            await #expect(throws: ServiceError.invalidField(field: "settings.callback_url",
                                                            message: "settings.callback_url must be an absolute http or https URL.")) {
                try await inboxes.create(by: admin, name: "Shop", channel: .api, settings: ["callback_url": .string(bad)])
            }
        }
        let plain = try await inboxes.create(by: admin, name: "Plain", channel: .api, settings: [:]).inbox
        #expect(plain.settings["callback_secret"] == nil, "no callback, no secret")
        #expect(!OutboundDelivery.delivers(from: plain))
    }
}
