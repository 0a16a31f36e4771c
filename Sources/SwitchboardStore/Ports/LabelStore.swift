import SwitchboardCore

/// The workspace's label catalogue. A conversation edit that uses a name the catalogue lacks adds it
/// with the default colour; deleting an entry leaves the conversations that carry the name alone.
public protocol LabelStore: Sendable {
    /// Every label, by name.
    func labels() async throws -> [Label]
    /// Adds a label whose name is already canonical. Throws `.duplicate` when the name is taken.
    func createLabel(_ label: NewLabel) async throws -> Label
    /// Throws `.notFound` for an unknown label.
    func deleteLabel(_ id: LabelID) async throws
}

/// A catalogue entry to create, already validated.
public struct NewLabel: Sendable, Hashable {
    public let name: String
    public let color: String
    public let description: String

    public init(name: String, color: String = Label.defaultColor, description: String = "") {
        self.name = name
        self.color = color
        self.description = description
    }
}
