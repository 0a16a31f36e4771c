import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardPostgres
import SwitchboardServices
import SwitchboardStore
import Testing

/// `switchboard migrate-data`: an installation copied from SQLite into PostgreSQL answers every port
/// as it did, and goes on from where it was. Runs when `SWITCHBOARD_TEST_POSTGRES_URL` is set.
@Suite(.enabled(if: MigrationTarget.url != nil))
struct DataMigrationTests {
    @Test func copiedInstallationAnswersThroughThePostgresPortsAsBefore() async throws {
        let source = try await SourceInstallation.make()
        defer { source.remove() }
        let schema = MigrationTarget.newSchema()
        let copied = source.directory.appendingPathComponent("copied-attachments").path
        let report = try await migration(source, schema: schema, files: .init(from: source.attachmentFiles.directory.path, to: copied))
        #expect(report.isComplete)
        #expect(report.tables.first { $0.table == "messages" }?.target == 6)
        #expect(report.copiedAttachmentFiles == 1)
        #expect(try AttachmentFiles(directory: URL(fileURLWithPath: copied)).read(source.attachment.digest) == source.attachmentBytes)

        let target = try await MigrationTarget.storage(schema: schema)
        let (s, t) = (source.workspace, target.workspace(Workspace.defaultID))
        try await expectSameDirectory(source.storage, target)
        try await expectSameConversations(s, t, source: source)
        try await expectSameSearch(s, t)
        #expect(try await t.events(after: nil, limit: 1000) == s.events(after: nil, limit: 1000))
        #expect(try await t.events(after: 3, limit: 2) == s.events(after: 3, limit: 2))
        let latest = try await s.latestEventSequence()
        #expect(try await t.latestEventSequence() == latest)
        #expect(try await t.attachment(source.attachment.id) == source.attachment)
        #expect(try await t.inboxMembers(source.webInbox.id) == s.inboxMembers(source.webInbox.id))
        #expect(try await t.teams() == s.teams())
        #expect(try await t.inboxes() == s.inboxes())
        let labels = try await s.labels()
        #expect(labels.map(\.name) == ["billing", "shipping", "urgent", "vip"])
        #expect(try await t.labels() == labels)
        let canned = try await s.cannedResponses(matching: nil)
        #expect(canned.count == 2)
        #expect(try await t.cannedResponses(matching: nil) == canned)
        #expect(try await t.cannedResponses(matching: "REFUND") == s.cannedResponses(matching: "REFUND"))
        #expect(report.tables.first { $0.table == "canned_responses" }?.target == 2)

        // The installation goes on from where it was: the next number, the next position.
        let existing = try await s.conversations(matching: ConversationQuery(), page: PageRequest(limit: 100)).items
        let next = try await t.appendIncoming(IncomingMessage(
            inboxID: source.apiInbox.id, externalID: "after-migration",
            contact: ContactDraft(externalID: "newcomer", name: "Nia", email: nil, phone: nil), content: "Hello again", sentAt: nil))
        #expect(next.conversation.number == (existing.map(\.conversation.number).max() ?? 0) + 1)
        let newEvents = try await t.events(after: latest, limit: 100)
        #expect(newEvents.first?.sequence == latest + 1)
        #expect(newEvents.map(\.sequence) == Array(latest + 1...latest + Int64(newEvents.count)))

        // Jobs keep their state and attempts; the due one is claimable, and new ones enqueue.
        #expect(try await target.jobs.job(source.laterJob.id) == source.laterJob)
        #expect(try await target.jobs.job(source.dueJob.id) == source.dueJob)
        let claimed = try await target.jobs.claim(worker: "w2", kinds: ["deliver", "unsnooze"], now: Date(), leaseFor: .seconds(30))
        #expect(claimed?.id == source.dueJob.id)
        #expect(claimed?.attempts == source.dueJob.attempts + 1)
        _ = try await target.jobs.enqueue(NewJob(workspaceID: Workspace.defaultID, kind: "deliver", payload: "{}"))
    }

    @Test func refusesATargetThatAlreadyHoldsAnInstallation() async throws {
        let source = try await SourceInstallation.make()
        defer { source.remove() }
        let schema = MigrationTarget.newSchema()
        let target = try await MigrationTarget.storage(schema: schema)
        _ = try await target.workspace(Workspace.defaultID).createAgent(
            NewAgent(email: "someone@example.com", name: "Someone", role: .admin, passwordHash: "hash"))

        await #expect(throws: DataMigrationError.self) { try await migration(source, schema: schema) }
        let counts = try await target.tableCounts()
        #expect(counts["agents"] == 1)
        #expect(counts["messages"] == 0)
    }

    @Test func missingAttachmentFileStopsTheCopyBeforeAnythingIsWritten() async throws {
        let source = try await SourceInstallation.make()
        defer { source.remove() }
        try FileManager.default.removeItem(at: source.attachmentFiles.directory)
        let schema = MigrationTarget.newSchema()
        let target = try await MigrationTarget.storage(schema: schema)
        let files = DataMigration.AttachmentDirectories(from: source.attachmentFiles.directory.path,
                                                        to: source.directory.appendingPathComponent("to").path)
        await #expect(throws: DataMigrationError.self) { try await migration(source, schema: schema, files: files) }
        let counts = try await target.tableCounts()
        #expect(counts.filter { $0.key != "workspaces" }.values.allSatisfy { $0 == 0 })
    }

    @Test func refusesASourceThatIsNotASwitchboardDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("not-switchboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let junk = directory.appendingPathComponent("junk.sqlite")
        try Data("not a database".utf8).write(to: junk)
        for path in [junk.path, directory.appendingPathComponent("missing.sqlite").path] {
            let migration = try DataMigration(from: "sqlite:\(path)", to: MigrationTarget.url ?? "")
            await #expect(throws: DataMigrationError.self) { try await migration.run(logger: MigrationTarget.logger) }
        }
    }

    private func migration(_ source: SourceInstallation, schema: String,
                           files: DataMigration.AttachmentDirectories? = nil) async throws -> DataMigrationReport {
        var migration = try DataMigration(from: "sqlite:\(source.path)", to: MigrationTarget.url ?? "", attachmentFiles: files)
        migration.target.schema = schema
        migration.target.maxConnections = 2
        return try await migration.run(logger: MigrationTarget.logger)
    }

    private func expectSameDirectory(_ s: some Storage, _ t: some Storage) async throws {
        let agent = try await t.directory.agent(tokenDigest: SourceInstallation.tokenDigest)
        #expect(agent != nil)
        #expect(try await agent == s.directory.agent(tokenDigest: SourceInstallation.tokenDigest))
        #expect(try await t.directory.credentials(email: "ada@EXAMPLE.com") == s.directory.credentials(email: "ada@example.com"))
        let visitor = try await t.directory.visitorSession(tokenDigest: SourceInstallation.visitorDigest)
        #expect(visitor != nil)
        #expect(try await visitor == s.directory.visitorSession(tokenDigest: SourceInstallation.visitorDigest))
        #expect(try await t.directory.hasAdmin())
    }

    private func expectSameConversations(_ s: any WorkspaceStorage, _ t: any WorkspaceStorage,
                                         source: SourceInstallation) async throws {
        let queries = [
            ConversationQuery(), ConversationQuery(status: .open), ConversationQuery(status: .resolved),
            ConversationQuery(inboxID: source.webInbox.id), ConversationQuery(assigneeID: .some(source.admin.id)),
            ConversationQuery(label: "vip"), ConversationQuery(text: "refund"),
        ]
        for query in queries {
            let expected = try await s.conversations(matching: query, page: PageRequest(limit: 100)).items
            #expect(try await t.conversations(matching: query, page: PageRequest(limit: 100)).items == expected, "\(query)")
        }
        let all = try await s.conversations(matching: ConversationQuery(), page: PageRequest(limit: 100)).items
        #expect(all.count == 3)
        for summary in all {
            let id = summary.conversation.id
            #expect(try await t.messages(in: id, page: PageRequest(limit: 100)).items == s.messages(in: id, page: PageRequest(limit: 100)).items)
            let firstPage = try await s.messages(in: id, page: PageRequest(limit: 1))
            #expect(try await t.messages(in: id, page: PageRequest(limit: 1)).items == firstPage.items)
            #expect(try await t.conversation(id) == s.conversation(id))
        }
    }

    private func expectSameSearch(_ s: any WorkspaceStorage, _ t: any WorkspaceStorage) async throws {
        // "work" and "ecrit" reach the merged contact's email and a message with diacritics.
        for text in ["refund", "alice", "work", "ecrit", "bob@example", "receipt", "internally", "nothing-matches"] {
            let (expected, found) = (try await s.search(text, limit: 20), try await t.search(text, limit: 20))
            #expect(Set(found.conversations.map(\.conversation.id)) == Set(expected.conversations.map(\.conversation.id)), "\(text)")
            #expect(Set(found.messages.map(\.id)) == Set(expected.messages.map(\.id)), "\(text)")
            #expect(Set(found.contacts.map(\.id)) == Set(expected.contacts.map(\.id)), "\(text)")
            let contacts = try await s.contacts(matching: text, page: PageRequest(limit: 50)).items
            #expect(try await t.contacts(matching: text, page: PageRequest(limit: 50)).items == contacts, "\(text)")
        }
        #expect(try await t.search("work", limit: 20).contacts.count == 1)
    }
}
