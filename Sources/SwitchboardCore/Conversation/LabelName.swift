/// The rules for label names: trimmed, lower-cased, 1–64 characters of letters, digits, `-_.:`.
public enum LabelName {
    public static let maxLength = 64

    /// The labels in canonical form, duplicates removed, order kept.
    public static func normalize(_ labels: [String]) throws(ConversationRuleViolation) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for raw in labels {
            let name = try canonical(raw)
            if seen.insert(name).inserted { result.append(name) }
        }
        return result
    }

    /// One label name in canonical form: what conversations store and the label catalogue is keyed by.
    public static func canonical(_ raw: String) throws(ConversationRuleViolation) -> String {
        let name = raw.trimmingWhitespace().lowercased()
        guard !name.isEmpty, name.count <= maxLength,
              name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0) })
        else { throw .invalidLabel(raw) }
        return name
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
