/// Where a conversation comes from. One inbox is one configured channel.
public enum ChannelKind: String, Sendable, Codable, CaseIterable {
    case api
    case webChat = "web_chat"
    case email
    case whatsapp
    case messenger
    case instagram
    case telegram
    case sms
    case twitter
    case voice

    /// Channels whose provider calls us, so their inbox gets a public webhook URL.
    public var receivesWebhooks: Bool {
        switch self {
        case .whatsapp, .messenger, .instagram, .telegram, .sms, .twitter, .voice: true
        case .api, .webChat, .email: false
        }
    }
}
