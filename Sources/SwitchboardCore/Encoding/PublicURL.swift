/// Absolute addresses on this server as the outside reaches it (`--public-url`): webhook URLs shown to
/// admins, attachment URLs sent to integrations. The base may be given with or without a trailing slash.
public enum PublicURL {
    /// `path` (starting with `/`) on `base`.
    public static func join(_ base: String, _ path: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }
}
