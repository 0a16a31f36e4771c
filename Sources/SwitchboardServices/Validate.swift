import SwitchboardCore

/// Input checks shared by the use cases; each failure names the field.
enum Validate {
    static func text(_ value: String, field: String, max: Int) throws(ServiceError) {
        guard !value.trimmingWhitespace().isEmpty else {
            throw .invalidField(field: field, message: "\(field) must not be empty.")
        }
        guard value.count <= max else {
            throw .invalidField(field: field, message: "\(field) must be at most \(max) characters.")
        }
    }

    /// A message needs text, files, or both; text has a length limit either way.
    static func messageBody(_ content: String, attachments: [AttachmentID], max: Int) throws(ServiceError) {
        guard attachments.count <= 10 else {
            throw .invalidField(field: "attachment_ids", message: "A message may carry at most 10 attachments.")
        }
        if attachments.isEmpty || !content.isEmpty { try text(content, field: "content", max: max) }
    }

    static func email(_ value: String, field: String = "email") throws(ServiceError) {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), value.count <= 254, !value.contains(where: \.isWhitespace)
        else { throw .invalidField(field: field, message: "\(field) is not a valid email address.") }
    }
}
