import SwitchboardCore

/// A storage backend: global lookups plus the ports of each workspace.
///
/// Every method of every port is one transaction. Backends are specified by one contract suite
/// (SwitchboardStoreTests) that each of them must pass.
public protocol Storage: Sendable {
    /// Look-ups that start from a credential or a globally unique id and find the workspace.
    var directory: any DirectoryStore { get }
    /// The background work of every workspace, shared by all nodes.
    var jobs: any JobQueue { get }
    /// The ports of one workspace; nothing they read or write leaves it.
    func workspace(_ id: WorkspaceID) -> any WorkspaceStorage
}

/// All ports of one workspace.
public protocol WorkspaceStorage: AgentStore, TeamStore, InboxStore, ConversationStore, ContactStore, SearchStore,
    EventLogStore, VisitorStore, InboxMemberStore, AttachmentStore, LabelStore, CannedResponseStore {}

/// Global look-ups, used before the workspace is known.
public protocol DirectoryStore: Sendable {
    /// The agent and password hash for a login email (case-insensitive).
    func credentials(email: String) async throws -> AgentCredentials?
    /// The agent owning the API token whose SHA-256 digest is `digest`.
    func agent(tokenDigest digest: String) async throws -> Agent?
    /// The inbox with this id and the digest of its inbound token, in whatever workspace it is.
    func inboundInbox(_ id: InboxID) async throws -> (inbox: Inbox, tokenDigest: String?)?
    /// The visitor session whose token has this SHA-256 digest, with its contact as of now.
    func visitorSession(tokenDigest digest: String) async throws -> VisitorSession?
    /// Whether any admin exists anywhere (a fresh install has none).
    func hasAdmin() async throws -> Bool
    /// First-run setup: creates `agent` (an admin) in `workspace` with an API token, but only while no
    /// admin exists anywhere; throws `.conflict` otherwise. The check and the insert are one
    /// transaction that concurrent calls cannot interleave, so at most one of them creates an admin.
    func createFirstAdmin(_ agent: NewAgent, in workspace: WorkspaceID, tokenDigest: String) async throws -> Agent
}
