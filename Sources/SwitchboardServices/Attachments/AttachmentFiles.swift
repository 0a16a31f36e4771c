import Crypto
import Foundation

/// Attachment bytes on disk, named by their SHA-256 digest (`ab/abcdef…`): the same file sent twice
/// is stored once, and a file never changes under its name.
public struct AttachmentFiles: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// Stores the bytes (unless already there) and returns their digest. The file appears under its
    /// final name only once complete: it is written beside it and renamed.
    public func store(_ data: Data) throws -> String {
        let digest = Secrets.hex(SHA256.hash(data: data))
        let target = url(for: digest)
        if FileManager.default.fileExists(atPath: target.path) { return digest }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(digest).\(UUID().uuidString)")
        try data.write(to: partial, options: .atomic)
        if rename(partial.path, target.path) != 0 {
            try? FileManager.default.removeItem(at: partial)
            if !FileManager.default.fileExists(atPath: target.path) { throw CocoaError(.fileWriteUnknown) }
        }
        return digest
    }

    public func read(_ digest: String) throws -> Data {
        try Data(contentsOf: url(for: digest))
    }

    func url(for digest: String) -> URL {
        directory.appendingPathComponent(String(digest.prefix(2)), isDirectory: true).appendingPathComponent(digest)
    }
}
