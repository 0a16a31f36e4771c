/// The abuse limits of the web-chat widget. Every rate is a token bucket (``RateLimiter``).
public struct WidgetLimits: Sendable {
    /// New sessions per IP address (a minute's worth may come at once).
    public var sessionsPerIP = RateLimiter.Rule(rate: 30.0 / 60, burst: 30)
    /// Messages per visitor.
    public var messagesPerVisitor = RateLimiter.Rule(rate: 2, burst: 10)
    /// Messages per IP address, all of its visitors together (offices share one address).
    public var messagesPerIP = RateLimiter.Rule(rate: 50, burst: 200)
    /// Typing signals per visitor; the ones over the limit are dropped silently.
    public var typingPerVisitor = RateLimiter.Rule(rate: 1, burst: 3)
    /// Largest frame a visitor may send, in bytes; a larger one closes the socket.
    public var maxFrameSize = 16 * 1024
    /// Longest message text, in characters.
    public var maxMessageLength = 8_000

    public init() {}
}
