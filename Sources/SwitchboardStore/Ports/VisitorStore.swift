import SwitchboardCore

/// Web-chat visitors: their sessions and what their widget shows.
public protocol VisitorStore: Sendable {
    /// Opens a visitor session in one transaction. A verified identity finds its contact by the
    /// `web_chat` identity, then by email, else creates one; an anonymous visitor always gets a new
    /// contact, so nobody can claim someone else's record without the business's signature.
    /// Throws `.notFound` for an unknown inbox.
    func createVisitorSession(_ new: NewVisitorSession) async throws -> Written<VisitorSession>
    /// The contact's most recently active conversation in the inbox, if there is one.
    func latestConversation(of contact: ContactID, in inbox: InboxID) async throws -> Conversation?
}

/// Which agents work which inboxes. Admins see every inbox whatever this says.
public protocol InboxMemberStore: Sendable {
    /// Replaces the inbox's members. Throws `.notFound` for an unknown inbox or agent.
    func setInboxMembers(_ inbox: InboxID, agents: [AgentID]) async throws -> [AgentID]
    /// The inbox's members, in id order. Throws `.notFound` for an unknown inbox.
    func inboxMembers(_ inbox: InboxID) async throws -> [AgentID]
    /// The inboxes the agent is a member of.
    func inboxIDs(of agent: AgentID) async throws -> Set<InboxID>
}
