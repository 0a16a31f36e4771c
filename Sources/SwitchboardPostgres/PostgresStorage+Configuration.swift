import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    /// Where the database is and how many connections this node may hold.
    public struct Configuration: Sendable {
        /// Whether and how connections are encrypted, named as libpq's `sslmode` names them.
        public enum TLSMode: String, Sendable {
            /// Plain connections (`disable`; `allow` and `prefer` also mean this here).
            case disable
            /// Encrypted, without checking the server's certificate, as libpq's `require` does.
            case require
            /// Encrypted, with the certificate checked against the system's roots and the host name.
            case verifyFull = "verify-full"
        }

        /// The server's host name or address.
        public var host: String
        public var port: Int
        public var username: String
        /// Nil for servers that trust the client (`trust` authentication).
        public var password: String?
        /// The database's name on the server.
        public var database: String
        public var tls: TLSMode
        /// The schema every table lives in (created by the migrations if missing): lower-case
        /// letters, digits and `_`. Nil uses the server's default search path.
        public var schema: String?
        /// Connections this node keeps open at most.
        public var maxConnections: Int

        public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
                    tls: TLSMode = .disable, schema: String? = nil, maxConnections: Int = 20) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
            self.schema = schema
            self.maxConnections = maxConnections
        }

        /// Reads `postgres://user[:password]@host[:port]/database[?sslmode=…]` (or `postgresql://`).
        /// Percent-escapes in the user and password are decoded. TLS is off unless `sslmode` is
        /// `require` or `verify-full`.
        public init(url: String) throws(InvalidDatabaseURL) {
            guard let components = URLComponents(string: url),
                  let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme),
                  let host = components.host, !host.isEmpty,
                  let user = components.user, !user.isEmpty
            else { throw InvalidDatabaseURL(url: url, reason: "expected postgres://user[:password]@host[:port]/database") }
            let database = String(components.path.drop { $0 == "/" })
            guard !database.isEmpty, !database.contains("/") else { throw InvalidDatabaseURL(url: url, reason: "no database name") }
            var tls = TLSMode.disable
            for item in components.queryItems ?? [] {
                switch (item.name, item.value ?? "") {
                case ("sslmode", "disable"), ("sslmode", "allow"), ("sslmode", "prefer"): tls = .disable
                case ("sslmode", let mode) where TLSMode(rawValue: mode) != nil: tls = TLSMode(rawValue: mode) ?? .disable
                default: throw InvalidDatabaseURL(url: url, reason: "unsupported option \(item.name)=\(item.value ?? "")")
                }
            }
            self.init(host: host, port: components.port ?? 5432, username: user, password: components.password,
                      database: database, tls: tls)
        }

        var client: PostgresClient.Configuration {
            var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                                             database: database, tls: clientTLS)
            configuration.options.maximumConnections = maxConnections
            if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
            return configuration
        }

        private var clientTLS: PostgresClient.Configuration.TLS {
            switch tls {
            case .disable:
                return .disable
            case .require:
                var unverified = TLSConfiguration.makeClientConfiguration()
                unverified.certificateVerification = .none
                return .require(unverified)
            case .verifyFull:
                return .require(.makeClientConfiguration())
            }
        }
    }
}

/// A database URL that cannot be used; `reason` says why. The URL is kept without its password.
public struct InvalidDatabaseURL: Error, Sendable, CustomStringConvertible {
    /// The URL as given, its password replaced by `***`.
    public let url: String
    /// What is wrong with it.
    public let reason: String

    init(url: String, reason: String) {
        self.url = URLRedaction.hidingPassword(url) ?? "<unparseable>"
        self.reason = reason
    }

    public var description: String { "invalid database URL \(url): \(reason)" }
}
