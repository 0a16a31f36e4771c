import Foundation

/// A saved reply agents insert by its short code (typing `/refund` in the reply box, say).
public struct CannedResponse: Sendable, Hashable, Codable {
    public let id: CannedResponseID
    /// 1–32 of `a-z`, `0-9`, `-`, `_`; unique in the workspace.
    public var shortCode: String
    public var content: String
    public let createdAt: Date

    public init(id: CannedResponseID, shortCode: String, content: String, createdAt: Date) {
        self.id = id
        self.shortCode = shortCode
        self.content = content
        self.createdAt = createdAt
    }
}
