import SwitchboardCore

/// A visitor session to open. Only `tokenDigest` is stored, never the token.
public struct NewVisitorSession: Sendable, Hashable {
    /// Who the visitor is: someone the business vouched for, or an anonymous browser.
    public enum Identity: Sendable, Hashable {
        /// The business's own user id, proven by `identifier_hash`.
        case verified(identifier: String)
        case anonymous
    }

    public let inboxID: InboxID
    public let tokenDigest: String
    public let identity: Identity
    public let name: String?
    /// Joined to the contact's emails only for a verified visitor; kept as the `unverified_email`
    /// attribute otherwise, where it can match nobody.
    public let email: String?

    public init(inboxID: InboxID, tokenDigest: String, identity: Identity, name: String?, email: String?) {
        self.inboxID = inboxID
        self.tokenDigest = tokenDigest
        self.identity = identity
        self.name = name
        self.email = email
    }
}
