import Crypto
import Foundation
import SwitchboardCore

/// Random bearer secrets and their stored digests.
///
/// API, inbound and visitor tokens are 256-bit random values. Only their SHA-256 digest is stored,
/// and a request is authenticated by looking the digest up: one hash per request, never a slow
/// password hash (DESIGN.md).
public enum Secrets {
    /// A new 256-bit secret, base64url without padding (43 characters).
    public static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64URLEncodedString()
    }

    /// The hex SHA-256 digest stored in place of a token.
    public static func digest(_ token: String) -> String {
        hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// Compares two secrets or digests without an early exit, so the time taken does not reveal
    /// how much of a guess was right.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Lower-case hex HMAC-SHA256 of `data` keyed with `secret`: what a business signs a visitor's
    /// identifier with, and what signs a reply posted to an integration.
    public static func hmacSHA256Hex(of data: Data, secret: String) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// Lower-case hex of some bytes.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hex: [UInt8] = []
        for byte in bytes {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
