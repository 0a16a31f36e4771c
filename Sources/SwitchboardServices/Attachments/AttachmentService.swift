import Foundation
import SwitchboardCore
import SwitchboardStore

/// Uploading files before a message is sent, and opening them for those allowed to see them.
public struct AttachmentService: Sendable {
    /// An attachment with its bytes, ready to serve.
    public struct File: Sendable {
        public let attachment: Attachment
        public let data: Data
        /// Images are shown inline; anything else is offered as a download.
        public var isInline: Bool { AttachmentPolicy.inlineTypes.contains(attachment.contentType) }
    }

    private let storage: any Storage
    private let files: AttachmentFiles
    public let policy: AttachmentPolicy

    public init(storage: any Storage, files: AttachmentFiles, policy: AttachmentPolicy) {
        self.storage = storage
        self.files = files
        self.policy = policy
    }

    /// Stores an upload by an agent or a visitor; a message of theirs claims it by id.
    public func upload(_ data: Data, contentType: String?, filename: String?, in workspace: WorkspaceID,
                       by uploader: MessageSender) async throws -> Attachment {
        let type = (contentType ?? "").split(separator: ";").first.map { String($0).trimmingWhitespace().lowercased() } ?? ""
        guard policy.allowedTypes.contains(type) else {
            let allowed = policy.allowedTypes.sorted().joined(separator: ", ")
            throw ServiceError.invalidField(field: "Content-Type", message: "Files of type \"\(type.prefix(80))\" are not accepted; send one of: \(allowed).")
        }
        guard !data.isEmpty else { throw ServiceError.invalidField(field: "body", message: "The file is empty.") }
        guard data.count <= policy.maxSize else {
            throw ServiceError.invalidField(field: "body", message: "Files may be at most \(policy.maxSize) bytes.")
        }
        let name = Self.cleanFilename(filename)
        let files = self.files
        let digest = try await BlockingWork.run { try files.store(data) }
        return try await storage.workspace(workspace).createAttachment(NewAttachment(
            digest: digest, contentType: type, size: data.count, filename: name, uploader: uploader))
    }

    /// The file, for an agent of the workspace.
    public func open(_ id: AttachmentID, for agent: Agent) async throws -> File {
        try await read(try await storage.workspace(agent.workspaceID).attachment(id))
    }

    /// The file, for a visitor: their own upload or one in their own conversation.
    public func open(_ id: AttachmentID, for session: VisitorSession) async throws -> File {
        try await read(try await storage.workspace(session.workspaceID)
            .attachment(id, visibleTo: session.contactID, in: session.inboxID))
    }

    /// The file, for the integration behind an `api` inbox (its token already checked): the files of
    /// public messages in that inbox's conversations.
    public func open(_ id: AttachmentID, publicIn inbox: InboxID, of workspace: WorkspaceID) async throws -> File {
        try await read(try await storage.workspace(workspace).attachment(id, publicIn: inbox))
    }

    private func read(_ attachment: Attachment?) async throws -> File {
        guard let attachment else { throw ServiceError.notFound("attachment") }
        do {
            let (files, digest) = (self.files, attachment.digest)
            return File(attachment: attachment, data: try await BlockingWork.run { try files.read(digest) })
        } catch {
            throw ServiceError.notFound("attachment file")
        }
    }

    /// A plain file name: no path, no control characters, at most 200 characters.
    static func cleanFilename(_ raw: String?) -> String {
        let base = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(base.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\u{7f}" && $0 != "\"" }.prefix(200))
        return clean.trimmingWhitespace().isEmpty ? "file" : clean
    }
}
