import Foundation
import SwitchboardCore
import SwitchboardSQLite
import SwitchboardStore

/// The backends the contract suite runs against: SQLite always; PostgreSQL joins when
/// `SWITCHBOARD_TEST_POSTGRES_URL` is set (CI sets it).
enum TestBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    static var enabled: [TestBackend] { PostgresTestDatabase.url == nil ? [.sqlite] : [.sqlite, .postgres] }

    var description: String { rawValue }

    /// A fresh, empty storage of this backend.
    func makeStorage() throws -> any Storage {
        switch self {
        case .sqlite: try SQLiteStorage.inMemory()
        case .postgres: try PostgresTestDatabase.makeStorage()
        }
    }

    /// The default workspace of a fresh storage.
    func makeWorkspace() throws -> any WorkspaceStorage {
        try makeStorage().workspace(Workspace.defaultID)
    }
}

/// Small builders the contract tests share.
extension WorkspaceStorage {
    func apiInbox(_ name: String = "API", digest: String? = "digest") async throws -> Inbox {
        try await createInbox(NewInbox(name: name, channel: .api, settings: [:], inboundTokenDigest: digest))
    }

    func receive(_ externalID: String, from contact: String = "cust-1", in inbox: Inbox, content: String = "Hello",
                 email: String? = nil, name: String? = nil) async throws -> IngestResult {
        try await appendIncoming(IncomingMessage(
            inboxID: inbox.id, externalID: externalID,
            contact: ContactDraft(externalID: contact, name: name, email: email, phone: nil),
            content: content, sentAt: nil))
    }

    func agent(_ email: String, role: AgentRole = .agent) async throws -> Agent {
        try await createAgent(NewAgent(email: email, name: email, role: role, passwordHash: "hash"))
    }
}
