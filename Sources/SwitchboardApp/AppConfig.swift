import Foundation
import Logging
import SwitchboardServices

/// Everything the composition root needs to build a Switchboard. Defaults work with no configuration.
public struct AppConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Where the SQLite database (and later attachments) live.
    public var dataDirectory = "./switchboard-data"
    /// `sqlite:PATH` or, with the scale-out work, `postgres://...`; nil means SQLite in ``dataDirectory``.
    public var databaseURL: String?
    /// The address providers and browsers reach this server at; defaults to `http://HOST:PORT`.
    public var publicURL: String?
    /// Largest accepted request body in bytes.
    public var bodyLimit = 1 << 20
    /// bcrypt work factor for password hashes.
    public var bcryptCost: UInt8 = 12
    public var logLevel: Logger.Level = .info
    /// A private in-memory database: for tests.
    public var inMemoryDatabase = false
    /// Size limit and allowed types of uploaded files.
    public var attachmentPolicy = AttachmentPolicy()
    /// Where uploaded files are kept; nil means `attachments/` in ``dataDirectory``.
    public var attachmentDirectory: String?
    /// What this node does: serve the API (`web`), run jobs (`worker`), or both (`all`, the default).
    public var role = NodeRole.all
    /// Rate and size limits of the web-chat widget.
    public var widgetLimits = WidgetLimits()
    /// Reverse proxies / load balancers (exact IP addresses) whose `X-Forwarded-For` names the client.
    public var trustedProxies: [String] = []
    /// WebSockets are pinged after this long without a frame from the peer and closed after as long again.
    public var socketKeepAlive: Duration = .seconds(30)
    /// An admin to create at start when the installation has none (unattended deployments, tests).
    public var initialAdmin: InitialAdmin?

    /// The first admin's login.
    public struct InitialAdmin: Sendable {
        public var email: String
        public var password: String
        public var name: String

        public init(email: String, password: String, name: String) {
            self.email = email
            self.password = password
            self.name = name
        }
    }

    public init() {}

    /// The configuration tests use: in-memory database, any free port, cheap password hashing.
    public static func testing() -> AppConfig {
        var config = AppConfig()
        config.inMemoryDatabase = true
        config.port = 0
        config.bcryptCost = 4
        config.logLevel = .warning
        config.attachmentDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-test-attachments-\(UUID().uuidString)").path
        return config
    }

    var resolvedAttachmentDirectory: URL {
        URL(fileURLWithPath: attachmentDirectory ?? (dataDirectory as NSString).appendingPathComponent("attachments"),
            isDirectory: true)
    }

    var resolvedPublicURL: String { publicURL ?? "http://\(host):\(port)" }
}

/// A configuration the server cannot start with.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
