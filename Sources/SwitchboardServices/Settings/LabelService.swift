import SwitchboardCore
import SwitchboardStore

/// The workspace's label catalogue: every agent reads it, admins edit it.
public struct LabelService: Sendable {
    public static let maxDescriptionLength = 200

    private let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func labels(for actor: Agent) async throws -> [Label] {
        try await storage.workspace(actor.workspaceID).labels()
    }

    /// A new catalogue entry. The name follows the rules of conversation labels (``LabelName``) and is
    /// stored in the same canonical form, so the entry matches the conversations that carry it.
    public func create(by actor: Agent, name: String, color: String?, description: String?) async throws -> Label {
        try requireAdmin(actor)
        let name = try LabelName.canonical(name)
        let color = color?.trimmingWhitespace().lowercased() ?? Label.defaultColor
        try Validate.color(color)
        let description = description?.trimmingWhitespace() ?? ""
        guard description.count <= Self.maxDescriptionLength else {
            throw ServiceError.invalidField(field: "description",
                                            message: "description must be at most \(Self.maxDescriptionLength) characters.")
        }
        return try await storage.workspace(actor.workspaceID).createLabel(NewLabel(name: name, color: color, description: description))
    }

    /// Removes the catalogue entry only: conversations keep the label name they carry.
    public func delete(_ id: LabelID, by actor: Agent) async throws {
        try requireAdmin(actor)
        try await storage.workspace(actor.workspaceID).deleteLabel(id)
    }

    private func requireAdmin(_ actor: Agent) throws(ServiceError) {
        guard actor.isAdmin else { throw .forbidden("Only admins can change labels.") }
    }
}
