/// What a storage port reports when a write cannot be done as asked. Every backend maps its driver's
/// errors (SQLite constraint codes, PostgreSQL SQLSTATEs) to these.
public enum StorageError: Error, Sendable, Hashable {
    /// A unique key is already taken; the string names what (e.g. "agent email").
    case duplicate(String)
    /// A referenced row does not exist in this workspace; the string names what.
    case notFound(String)
    /// The write contradicts the current state; the string says how.
    case conflict(String)
}

extension StorageError {
    /// Every backend refuses a demotion that would leave a workspace without an admin with this error.
    public static let lastAdmin = StorageError.conflict("the workspace must keep at least one admin: make another agent an admin first")
    /// First-run setup found an admin already there.
    public static let alreadySetUp = StorageError.conflict("this installation already has an admin: sign in instead")
}
