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
