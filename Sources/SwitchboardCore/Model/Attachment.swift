import Foundation

/// A file sent with a message. The bytes live once per content under the data directory (named by
/// their SHA-256 digest); the id is random, so knowing a file's content does not give access to it.
public struct Attachment: Sendable, Hashable, Codable {
    public let id: AttachmentID
    /// Hex SHA-256 of the bytes: the file's name in the store.
    public let digest: String
    public let contentType: String
    public let size: Int
    public let filename: String

    public init(id: AttachmentID, digest: String, contentType: String, size: Int, filename: String) {
        self.id = id
        self.digest = digest
        self.contentType = contentType
        self.size = size
        self.filename = filename
    }
}

public typealias AttachmentID = Identifier<Attachment>
