/// Why a use case refused a request. SwitchboardHTTP maps each case to a status and error code.
public enum ServiceError: Error, Sendable, Hashable {
    /// No valid credentials.
    case unauthenticated(String)
    /// Valid credentials, but the agent may not do this.
    case forbidden(String)
    /// A field is missing, malformed or out of range: `field` names it.
    case invalidField(field: String, message: String)
    /// The thing asked for does not exist (or is not visible to the caller).
    case notFound(String)
    /// The thing is not in a state that allows this (a retry of a reply that did not fail).
    case conflict(String)
    /// Too many requests from one visitor or address; try again later.
    case rateLimited(String)
}
