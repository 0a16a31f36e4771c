/// The tenant: one business. Every stored row belongs to exactly one workspace.
public struct Workspace: Sendable, Hashable {
    public let id: WorkspaceID
    public var name: String

    public init(id: WorkspaceID, name: String) {
        self.id = id
        self.name = name
    }

    /// The workspace a fresh installation creates on first start.
    public static let defaultID = WorkspaceID("default")
}
