import SwitchboardCore

/// Uploaded files' records (the bytes are kept by the attachment file store, by digest).
///
/// An upload belongs to its uploader until a message of theirs claims it; from then on whoever may
/// see that message may see the file.
public protocol AttachmentStore: Sendable {
    func createAttachment(_ new: NewAttachment) async throws -> Attachment
    /// Any attachment of the workspace: what agents may open.
    func attachment(_ id: AttachmentID) async throws -> Attachment?
    /// The attachment if the visitor may open it: they uploaded it, or it belongs to a public message
    /// of their own conversation in that inbox.
    func attachment(_ id: AttachmentID, visibleTo contact: ContactID, in inbox: InboxID) async throws -> Attachment?
    /// The attachment if it belongs to a public message of a conversation in that inbox: what the
    /// integration behind an `api` inbox's token may open (the files of the replies it is called back with).
    func attachment(_ id: AttachmentID, publicIn inbox: InboxID) async throws -> Attachment?
}

/// A file just stored, to be recorded.
public struct NewAttachment: Sendable, Hashable {
    public let digest: String
    public let contentType: String
    public let size: Int
    public let filename: String
    /// Who uploaded it: only their own message may claim it.
    public let uploader: MessageSender

    public init(digest: String, contentType: String, size: Int, filename: String, uploader: MessageSender) {
        self.digest = digest
        self.contentType = contentType
        self.size = size
        self.filename = filename
        self.uploader = uploader
    }
}
