import Foundation
import SwitchboardCore
import SwitchboardServices
import SwitchboardSQLite
import SwitchboardStore

/// A SQLite installation with a bit of everything, built through the real ports: agents with a token,
/// a team, an API inbox and a web-chat inbox with members and a visitor session, contacts with emails
/// (two of them merged), labelled and assigned conversations, a private note, an attachment, jobs, a label
/// of the catalogue with a colour, and canned responses.
struct SourceInstallation {
    let directory: URL
    let storage: SQLiteStorage
    let attachmentFiles: AttachmentFiles
    let admin: Agent
    let apiInbox: Inbox
    let webInbox: Inbox
    let attachment: Attachment
    let attachmentBytes: Data
    let dueJob: Job
    let laterJob: Job
    static let tokenDigest = "token-digest-of-the-admin"
    static let visitorDigest = "visitor-token-digest"

    var path: String { directory.appendingPathComponent("switchboard.sqlite").path }
    var workspace: any WorkspaceStorage { storage.workspace(Workspace.defaultID) }

    static func make() async throws -> SourceInstallation {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let storage = try SQLiteStorage(path: directory.appendingPathComponent("switchboard.sqlite").path)
        let ws = storage.workspace(Workspace.defaultID)

        let admin = try await ws.createAgent(NewAgent(email: "Ada@example.com", name: "Ada", role: .admin, passwordHash: "hash-a"))
        let agent = try await ws.createAgent(NewAgent(email: "bo@example.com", name: "Bo", role: .agent, passwordHash: "hash-b"))
        try await ws.addToken(digest: tokenDigest, for: admin.id)
        let team = try await ws.createTeam(name: "Billing", agentIDs: [admin.id, agent.id])
        let apiInbox = try await ws.createInbox(NewInbox(name: "API", channel: .api, settings: [:], inboundTokenDigest: "inbound"))
        let webInbox = try await ws.createInbox(NewInbox(name: "Site", channel: .webChat, settings: ["color": .string("#123")],
                                                         inboundTokenDigest: nil))
        _ = try await ws.setInboxMembers(webInbox.id, agents: [agent.id])
        _ = try await ws.createVisitorSession(NewVisitorSession(inboxID: webInbox.id, tokenDigest: visitorDigest, identity: .anonymous,
                                                               name: "Vera", email: "vera@example.com"))

        let alice = try await ws.appendIncoming(incoming(apiInbox, "m1", from: "alice", email: "alice@example.com",
                                                         "I need a refund for order 42"))
        _ = try await ws.appendIncoming(incoming(apiInbox, "m2", from: "alice", email: nil, "Still waiting for the refund"))
        let work = try await ws.appendIncoming(incoming(apiInbox, "m3", from: "alice-work", email: "alice@work.example",
                                                        "Écrit depuis le bureau"))
        let bob = try await ws.appendIncoming(incoming(webInbox, "m4", from: "bob", email: "bob@example.com", "Shipping question"))
        _ = try await ws.mergeContacts(survivor: alice.contact.id, other: work.contact.id)

        _ = try await ws.updateConversation(alice.conversation.id, ConversationChange(assignee: .some(admin.id), team: .some(team.id),
                                                                                      labels: ["vip", "billing"]))
        _ = try await ws.updateConversation(bob.conversation.id, ConversationChange(status: .resolved, labels: ["shipping"]))
        _ = try await ws.createLabel(NewLabel(name: "urgent", color: "#d1242f", description: "Answer within the hour"))
        _ = try await ws.createCannedResponse(shortCode: "refund", content: "Your refund is on its way.")
        _ = try await ws.createCannedResponse(shortCode: "hello", content: "Hi! How can we help?")
        _ = try await ws.appendOutgoing(OutgoingMessage(conversationID: alice.conversation.id, sender: .agent(admin.id),
                                                        content: "Refund approved internally", isPrivate: true, status: .sent))
        let bytes = Data("receipt bytes".utf8)
        let files = AttachmentFiles(directory: directory.appendingPathComponent("attachments"))
        let attachment = try await ws.createAttachment(NewAttachment(
            digest: try files.store(bytes), contentType: "text/plain", size: bytes.count, filename: "receipt.txt",
            uploader: .agent(admin.id)))
        _ = try await ws.appendOutgoing(OutgoingMessage(conversationID: alice.conversation.id, sender: .agent(admin.id),
                                                        content: "Here is your receipt", isPrivate: false, status: .queued,
                                                        attachmentIDs: [attachment.id]))

        let jobs = storage.jobs
        let retried = try await jobs.enqueue(NewJob(workspaceID: Workspace.defaultID, kind: "deliver", payload: "{\"n\":1}",
                                                    orderingKey: "conv-1", runAt: Date(timeIntervalSinceNow: -60)))
        _ = try await jobs.claim(worker: "w1", kinds: ["deliver"], now: Date(), leaseFor: .seconds(30))
        _ = try await jobs.fail(retried.id, worker: "w1", error: "timeout", retryAt: Date(timeIntervalSinceNow: -1))
        let later = try await jobs.enqueue(NewJob(workspaceID: Workspace.defaultID, kind: "unsnooze", payload: "{}",
                                                  runAt: Date(timeIntervalSinceNow: 3600)))
        guard let due = try await jobs.job(retried.id) else { throw StorageError.notFound("job") }
        return SourceInstallation(directory: directory, storage: storage, attachmentFiles: files, admin: admin, apiInbox: apiInbox,
                                  webInbox: webInbox, attachment: attachment, attachmentBytes: bytes, dueJob: due, laterJob: later)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func incoming(_ inbox: Inbox, _ id: String, from contact: String, email: String?, _ content: String) -> IncomingMessage {
        IncomingMessage(inboxID: inbox.id, externalID: id, contact: ContactDraft(externalID: contact, name: nil, email: email, phone: nil),
                        content: content, sentAt: nil)
    }
}
