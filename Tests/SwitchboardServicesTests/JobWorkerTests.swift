import Foundation
import Logging
import SwitchboardCore
import SwitchboardServices
import SwitchboardSQLite
import SwitchboardStore
import Testing

@Suite("Job worker")
struct JobWorkerTests {
    struct Flaky: JobHandler {
        let kind = "flaky"
        func run(_ job: Job) async throws {
            if job.payload == "permanent" { throw PermanentJobFailure("cannot ever work") }
            if job.attempts < 2 { throw URLError(.timedOut) }
        }
    }

    @Test func failuresRetryWithBackoffAndPermanentOnesDie() async throws {
        let storage = try SQLiteStorage.inMemory()
        let worker = JobWorker(queue: storage.jobs, handlers: [Flaky()], logger: Logger(label: "test"))
        let retried = try await storage.jobs.enqueue(NewJob(workspaceID: Workspace.defaultID, kind: "flaky", payload: "x"))
        // Times are taken from before the attempt, not after it: a loaded machine may take seconds in between.
        let beforeFirst = Date()
        #expect(try await worker.runNext())
        let afterFirst = try #require(try await storage.jobs.job(retried.id))
        #expect(afterFirst.state == .queued)
        #expect(afterFirst.runAt >= beforeFirst.addingTimeInterval(2), "retried after a backoff (2 s), not at once")
        #expect(try await worker.runNext(now: beforeFirst.addingTimeInterval(1)) == false, "nothing due before the backoff ends")
        #expect(try await worker.runNext(now: afterFirst.runAt.addingTimeInterval(1)))
        #expect(try await storage.jobs.job(retried.id)?.state == .done)

        let doomed = try await storage.jobs.enqueue(NewJob(workspaceID: Workspace.defaultID, kind: "flaky", payload: "permanent"))
        #expect(try await worker.runNext())
        #expect(try await storage.jobs.job(doomed.id)?.state == .dead)
        #expect(try await storage.jobs.job(doomed.id)?.lastError == "cannot ever work")
    }

    @Test func aSnoozedConversationReopensWhenItsTimeComes() async throws {
        let storage = try SQLiteStorage.inMemory()
        let events = LocalEventBus()
        let auth = AuthService(storage: storage, bcryptCost: 4)
        let admin = try await auth.createAgent(in: Workspace.defaultID, email: "a@example.com", name: "A", password: "password1", role: .admin)
        let store = storage.workspace(Workspace.defaultID)
        let inbox = try await store.createInbox(NewInbox(name: "API", channel: .api, settings: [:], inboundTokenDigest: nil))
        let received = try await store.appendIncoming(IncomingMessage(
            inboxID: inbox.id, externalID: "m1", contact: ContactDraft(externalID: "c", name: nil, email: nil, phone: nil),
            content: "hi", sentAt: nil))
        let conversations = ConversationService(storage: storage, events: events, signals: LocalSignalBus(), logger: Logger(label: "test"))
        let wakeAt = Date().addingTimeInterval(3600)
        _ = try await conversations.update(received.conversation.id, by: admin, ConversationChange(status: .snoozed, snoozedUntil: wakeAt))

        let worker = JobWorker(queue: storage.jobs, handlers: [UnsnoozeJob(storage: storage, events: events, now: { wakeAt + 1 })],
                               logger: Logger(label: "test"))
        #expect(try await worker.runNext() == false, "not due yet")
        #expect(try await worker.runNext(now: wakeAt + 1))
        #expect(try await store.conversation(received.conversation.id)?.conversation.status == .open)
    }
}
