import SwitchboardCore

/// Customer records.
public protocol ContactStore: Sendable {
    /// Contacts whose name, email or phone matches `text` (every contact when nil), newest first.
    func contacts(matching text: String?, page: PageRequest) async throws -> Page<Contact>
    /// A contact with its conversations on every channel.
    func contactProfile(_ id: ContactID) async throws -> ContactProfile?
    /// Moves everything of `other` (identities, emails, phones, attributes it lacks, conversations) onto
    /// `survivor` and deletes `other`. Throws `.notFound`, or `.conflict` when both are the same contact.
    func mergeContacts(survivor: ContactID, other: ContactID) async throws -> Written<Contact>
}

/// Full-text search over a workspace.
public protocol SearchStore: Sendable {
    /// Conversations, messages and contacts matching every word of `text` (prefix match); with
    /// `inboxes`, only the conversations and messages of those inboxes (an agent's memberships).
    func search(_ text: String, limit: Int, inboxes: Set<InboxID>?) async throws -> SearchResults
}

/// The workspace's append-only event log.
public protocol EventLogStore: Sendable {
    /// Events after `sequence` (all when nil), oldest first.
    func events(after sequence: Int64?, limit: Int) async throws -> [DomainEvent]
    /// The sequence of the newest event of the workspace (0 when it has none): where a new listener starts.
    func latestEventSequence() async throws -> Int64
}

extension SearchStore {
    /// Every inbox's matches.
    public func search(_ text: String, limit: Int) async throws -> SearchResults {
        try await search(text, limit: limit, inboxes: nil)
    }
}
