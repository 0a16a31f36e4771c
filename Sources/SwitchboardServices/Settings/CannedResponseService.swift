import SwitchboardCore
import SwitchboardStore

/// The workspace's saved replies: every agent reads them, admins edit them.
public struct CannedResponseService: Sendable {
    public static let maxContentLength = 10_000

    private let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// Those whose short code starts with `text` or whose content contains it, ignoring case.
    public func cannedResponses(for actor: Agent, matching text: String?) async throws -> [CannedResponse] {
        let text = text?.trimmingWhitespace()
        return try await storage.workspace(actor.workspaceID).cannedResponses(matching: text?.isEmpty == false ? text : nil)
    }

    public func create(by actor: Agent, shortCode: String, content: String) async throws -> CannedResponse {
        try requireAdmin(actor)
        let shortCode = shortCode.trimmingWhitespace()
        try Validate.shortCode(shortCode)
        try Validate.text(content, field: "content", max: Self.maxContentLength)
        return try await storage.workspace(actor.workspaceID).createCannedResponse(shortCode: shortCode, content: content)
    }

    public func update(_ id: CannedResponseID, by actor: Agent, shortCode: String?, content: String?) async throws -> CannedResponse {
        try requireAdmin(actor)
        let shortCode = shortCode?.trimmingWhitespace()
        if let shortCode { try Validate.shortCode(shortCode) }
        if let content { try Validate.text(content, field: "content", max: Self.maxContentLength) }
        return try await storage.workspace(actor.workspaceID).updateCannedResponse(id, shortCode: shortCode, content: content)
    }

    public func delete(_ id: CannedResponseID, by actor: Agent) async throws {
        try requireAdmin(actor)
        try await storage.workspace(actor.workspaceID).deleteCannedResponse(id)
    }

    private func requireAdmin(_ actor: Agent) throws(ServiceError) {
        guard actor.isAdmin else { throw .forbidden("Only admins can change canned responses.") }
    }
}
