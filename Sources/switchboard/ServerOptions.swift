import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardApp
import SwitchboardServices

/// Options shared by the commands that open the database. Each falls back to a `SWITCHBOARD_*`
/// environment variable, then to the default.
struct StorageOptions: ParsableArguments {
    @Option(help: "Directory for the embedded database (env SWITCHBOARD_DATA_DIR, default ./switchboard-data).")
    var dataDir: String?

    @Option(help: "Database URL: sqlite:PATH (env SWITCHBOARD_DATABASE_URL).")
    var databaseURL: String?

    func apply(to config: inout AppConfig) {
        let env = ProcessInfo.processInfo.environment
        if let dir = dataDir ?? env["SWITCHBOARD_DATA_DIR"] { config.dataDirectory = dir }
        config.databaseURL = databaseURL ?? env["SWITCHBOARD_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (HTTP API and everything behind it).")

    @Option(help: "Address to listen on (env SWITCHBOARD_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env SWITCHBOARD_PORT, default 8080).")
    var port: Int?

    @Option(help: "Address customers' providers reach this server at (env SWITCHBOARD_PUBLIC_URL).")
    var publicURL: String?

    @Option(help: "Largest request body in bytes (env SWITCHBOARD_BODY_LIMIT, default 1048576).")
    var bodyLimit: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env SWITCHBOARD_LOG_LEVEL).")
    var logLevel: String?

    @Option(help: "Web chat: messages per second from one IP address, 0 = unlimited (env SWITCHBOARD_WIDGET_IP_MESSAGE_RATE, default 50).")
    var widgetIpMessageRate: Double?

    @Option(help: "Web chat: new sessions per minute from one IP address, 0 = unlimited (env SWITCHBOARD_WIDGET_IP_SESSION_RATE, default 30).")
    var widgetIpSessionRate: Double?

    @Option(help: "Web chat: messages per second from one visitor (env SWITCHBOARD_WIDGET_VISITOR_MESSAGE_RATE, default 2).")
    var widgetVisitorMessageRate: Double?

    @Option(help: "What this node does: web (HTTP API and sockets), worker (background jobs) or all (env SWITCHBOARD_ROLE, default all).")
    var role: String?

    @Option(help: ArgumentHelp("IP address of a reverse proxy or load balancer whose X-Forwarded-For names the client; repeat for several (env SWITCHBOARD_TRUSTED_PROXIES, comma-separated).",
                               valueName: "ip"))
    var trustedProxy: [String] = []

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var config = AppConfig()
        storage.apply(to: &config)
        if let host = host ?? env["SWITCHBOARD_HOST"] { config.host = host }
        if let port = try port ?? env["SWITCHBOARD_PORT"].map({ try Self.integer($0, name: "SWITCHBOARD_PORT") }) {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535.") }
            config.port = port
        }
        config.publicURL = publicURL ?? env["SWITCHBOARD_PUBLIC_URL"]
        if let limit = try bodyLimit ?? env["SWITCHBOARD_BODY_LIMIT"].map({ try Self.integer($0, name: "SWITCHBOARD_BODY_LIMIT") }) {
            guard limit >= 1024 else { throw ValidationError("--body-limit must be at least 1024 bytes.") }
            config.bodyLimit = limit
        }
        if let level = logLevel ?? env["SWITCHBOARD_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level) else { throw ValidationError("Unknown log level \(level).") }
            config.logLevel = parsed
        }
        try applyWidgetLimits(to: &config, env: env)
        let proxies = trustedProxy.isEmpty
            ? (env["SWITCHBOARD_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            : trustedProxy
        for proxy in proxies where !Self.isIPAddress(proxy) {
            throw ValidationError("--trusted-proxy takes an IP address (like 10.0.0.5 or fd00::1); got \(proxy).")
        }
        config.trustedProxies = proxies
        if let role = role ?? env["SWITCHBOARD_ROLE"] {
            guard let parsed = NodeRole(rawValue: role) else { throw ValidationError("--role must be web, worker or all; got \(role).") }
            config.role = parsed
        }
        if let email = env["SWITCHBOARD_ADMIN_EMAIL"], let password = env["SWITCHBOARD_ADMIN_PASSWORD"] {
            config.initialAdmin = .init(email: email, password: password, name: env["SWITCHBOARD_ADMIN_NAME"] ?? "Admin")
        }
        let metrics = MetricsBootstrap.bootstrap()
        let group = try await withConfigurationErrors {
            try await buildServiceGroup(config, metrics: metrics) { url in
                // Written unbuffered: scripts wait for this line, so it must not sit in a pipe's buffer.
                FileHandle.standardOutput.write(Data("Switchboard listening on \(url) (agent API at \(url)/api/v1)\n".utf8))
            }
        }
        try await group.run()
    }

    /// Rates are token buckets whose burst is a few seconds' (or a minute's) worth.
    private func applyWidgetLimits(to config: inout AppConfig, env: [String: String]) throws {
        func rate(_ flag: Double?, _ name: String) throws -> Double? {
            guard let value = try flag ?? env[name].map({ try Self.number($0, name: name) }) else { return nil }
            guard value >= 0, value.isFinite else { throw ValidationError("\(name) must be 0 (unlimited) or more.") }
            return value
        }
        if let perIP = try rate(widgetIpMessageRate, "SWITCHBOARD_WIDGET_IP_MESSAGE_RATE") {
            config.widgetLimits.messagesPerIP = .init(rate: perIP, burst: perIP * 4)
        }
        if let sessions = try rate(widgetIpSessionRate, "SWITCHBOARD_WIDGET_IP_SESSION_RATE") {
            config.widgetLimits.sessionsPerIP = .init(rate: sessions / 60, burst: sessions)
        }
        if let perVisitor = try rate(widgetVisitorMessageRate, "SWITCHBOARD_WIDGET_VISITOR_MESSAGE_RATE") {
            config.widgetLimits.messagesPerVisitor = .init(rate: perVisitor, burst: perVisitor * 5)
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    static func number(_ text: String, name: String) throws -> Double {
        guard let value = Double(text) else { throw ValidationError("\(name) must be a number, got \(text).") }
        return value
    }

    static func integer(_ text: String, name: String) throws -> Int {
        guard let value = Int(text) else { throw ValidationError("\(name) must be a whole number, got \(text).") }
        return value
    }
}

/// Turns a configuration problem into a clear CLI error instead of a stack of types.
func withConfigurationErrors<T>(_ work: () async throws -> T) async throws -> T {
    do {
        return try await work()
    } catch let error as ConfigurationError {
        throw ValidationError(error.description)
    }
}
