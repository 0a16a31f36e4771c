import Foundation

/// An entry of the workspace's label catalogue. Conversations carry label names as plain strings;
/// the catalogue gives a name its colour and description, and lists what agents can pick.
public struct Label: Sendable, Hashable, Codable {
    public let id: LabelID
    /// Canonical form (see ``LabelName``).
    public let name: String
    /// `#rrggbb`, lower-case.
    public var color: String
    public var description: String
    public let createdAt: Date

    public init(id: LabelID, name: String, color: String, description: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.color = color
        self.description = description
        self.createdAt = createdAt
    }

    /// The colour of labels created without one, including those a conversation edit adds.
    public static let defaultColor = "#6b7280"
}
