import Foundation
import SwitchboardServices
import SwitchboardStore

extension DataMigration {
    /// Copies the file of every digest the attachment rows name, reading each one back by its digest
    /// (so a damaged file is caught), before anything is written to the database. Returns how many
    /// distinct files were copied or found in place; throws when any file is missing or damaged.
    func copyAttachmentFiles(from source: some InstallationSource, _ directories: AttachmentDirectories) async throws -> Int {
        let from = AttachmentFiles(directory: URL(fileURLWithPath: directories.from, isDirectory: true))
        let to = AttachmentFiles(directory: URL(fileURLWithPath: directories.to, isDirectory: true))
        var digests = Set<String>()
        var cursor: Int64?
        repeat {
            let page = try await source.rows(of: "attachments", after: cursor, limit: 5000)
            for row in page.rows {
                if case .text(let digest) = page.value("digest", in: row) { digests.insert(digest) }
            }
            cursor = page.next
        } while cursor != nil
        var unusable: [String] = []
        for digest in digests.sorted() {
            guard let data = try? from.read(digest), (try? to.store(data)) == digest else {
                unusable.append(digest)
                continue
            }
        }
        guard unusable.isEmpty else {
            throw DataMigrationError("""
                \(unusable.count) attachment file(s) are missing or damaged under \(directories.from) \
                (or cannot be written under \(directories.to)), e.g. \(unusable.prefix(3).joined(separator: ", "))
                """)
        }
        return digests.count
    }
}
