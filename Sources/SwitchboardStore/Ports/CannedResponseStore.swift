import SwitchboardCore

/// Saved replies of a workspace.
public protocol CannedResponseStore: Sendable {
    /// Canned responses whose short code starts with `text` or whose content contains it, ignoring
    /// case (all of them when nil), by short code.
    func cannedResponses(matching text: String?) async throws -> [CannedResponse]
    /// Throws `.duplicate` when the short code is taken.
    func createCannedResponse(shortCode: String, content: String) async throws -> CannedResponse
    /// Changes the fields that are not nil. Throws `.notFound` for an unknown id, `.duplicate` when the
    /// new short code is taken.
    func updateCannedResponse(_ id: CannedResponseID, shortCode: String?, content: String?) async throws -> CannedResponse
    /// Throws `.notFound` for an unknown id.
    func deleteCannedResponse(_ id: CannedResponseID) async throws
}
