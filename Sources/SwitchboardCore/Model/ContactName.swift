import Foundation

/// Just enough of a contact to name it in a list.
public struct ContactName: Sendable, Hashable, Codable {
    public let id: ContactID
    public let name: String

    public init(id: ContactID, name: String) {
        self.id = id
        self.name = name
    }
}

