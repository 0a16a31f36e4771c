import Foundation

/// URLs as they may be shown in logs, reports and error messages.
public enum URLRedaction {
    /// `url` with its password, if it has one, replaced by `***`; nil when it does not parse as a URL.
    public static func hidingPassword(_ url: String) -> String? {
        guard var parts = URLComponents(string: url) else { return nil }
        if parts.password != nil { parts.password = "***" }
        return parts.string
    }
}
