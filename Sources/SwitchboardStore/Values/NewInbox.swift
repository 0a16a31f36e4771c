import SwitchboardCore

/// An inbox to create. `inboundTokenDigest` is the SHA-256 of the token an `api` inbox's
/// integration sends; the token itself is never stored.
public struct NewInbox: Sendable, Hashable {
    public let name: String
    public let channel: ChannelKind
    public let settings: [String: JSONValue]
    public let inboundTokenDigest: String?

    public init(name: String, channel: ChannelKind, settings: [String: JSONValue], inboundTokenDigest: String?) {
        self.name = name
        self.channel = channel
        self.settings = settings
        self.inboundTokenDigest = inboundTokenDigest
    }
}
