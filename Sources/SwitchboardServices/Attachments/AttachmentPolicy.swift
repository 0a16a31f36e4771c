/// What may be uploaded: a size limit and an allow-list of content types.
public struct AttachmentPolicy: Sendable {
    /// Largest file in bytes.
    public var maxSize = 10 * 1024 * 1024
    /// Content types accepted, exactly as the upload's `Content-Type` names them (parameters ignored).
    public var allowedTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"]

    public init() {}

    /// Files shown inline by browsers; everything else is served as a download.
    static let inlineTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]
}
