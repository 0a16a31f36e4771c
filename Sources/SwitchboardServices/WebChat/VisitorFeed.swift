import SwitchboardCore

/// What a visitor's socket is told, in the order it should be written.
public enum VisitorFeed: Sendable {
    /// A new public message in one of the visitor's conversations (never a private note).
    case message(Message)
    /// The visitor's own message was committed.
    case acknowledged(clientID: String, message: Message)
    /// An agent started or stopped typing.
    case typing(Bool)
    /// Whether any agent is online now.
    case presence(agentsOnline: Bool)
    /// A frame the server refused; the socket stays open.
    case refused(code: String, message: String, clientID: String?)
}
