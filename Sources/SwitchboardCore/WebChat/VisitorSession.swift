import Foundation

/// A web-chat visitor's session: the widget holds its token, the server only the token's digest.
///
/// The session points at a channel identity (`web_chat`, ``externalID``) rather than at a contact row,
/// so it keeps working when agents merge the visitor's contact into another one.
public struct VisitorSession: Sendable, Hashable {
    public let workspaceID: WorkspaceID
    public let inboxID: InboxID
    /// The identity's external id on the `web_chat` channel (`user:<identifier>` or `visitor:<random>`).
    public let externalID: String
    /// The contact the identity belongs to now.
    public let contactID: ContactID
    /// True when the business vouched for the identifier with an HMAC.
    public let isVerified: Bool
    public let createdAt: Date

    public init(workspaceID: WorkspaceID, inboxID: InboxID, externalID: String, contactID: ContactID,
                isVerified: Bool, createdAt: Date) {
        self.workspaceID = workspaceID
        self.inboxID = inboxID
        self.externalID = externalID
        self.contactID = contactID
        self.isVerified = isVerified
        self.createdAt = createdAt
    }
}
