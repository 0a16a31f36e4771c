import Foundation

/// Checks a visitor's `identifier_hash`: hex HMAC-SHA256 of the identifier, keyed with the inbox's
/// `hmac_secret`. The business computes it on its own server, so only it can vouch for an identifier.
public enum IdentityVerifier {
    public static func hash(identifier: String, secret: String) -> String {
        Secrets.hmacSHA256Hex(of: Data(identifier.utf8), secret: secret)
    }

    static func isValid(identifier: String, hash: String, secret: String) -> Bool {
        Secrets.constantTimeEqual(hash.lowercased(), self.hash(identifier: identifier, secret: secret))
    }
}
