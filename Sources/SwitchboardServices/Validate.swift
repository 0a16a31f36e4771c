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

    /// bcrypt reads at most 72 bytes; longer passwords would be silently truncated.
    static func password(_ value: String) throws(ServiceError) {
        guard value.count >= 8, value.utf8.count <= 72 else {
            throw .invalidField(field: "password", message: "The password must be 8 to 72 bytes long.")
        }
    }

    /// 1–32 of `a-z`, `0-9`, `-`, `_`: what agents type after `/` in the reply box.
    static func shortCode(_ value: String, field: String = "short_code") throws(ServiceError) {
        guard (1...32).contains(value.unicodeScalars.count),
              value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" })
        else { throw .invalidField(field: field, message: "\(field) must be 1 to 32 of a-z, 0-9, '-' and '_'.") }
    }

    /// `#rrggbb` in hex digits, either case.
    static func color(_ value: String, field: String = "color") throws(ServiceError) {
        let digits = value.unicodeScalars.dropFirst()
        guard value.hasPrefix("#"), digits.count == 6, digits.allSatisfy({ $0.properties.isASCIIHexDigit }) else {
            throw .invalidField(field: field, message: "\(field) must be a colour written #rrggbb, e.g. #1f883d.")
        }
    }
}
