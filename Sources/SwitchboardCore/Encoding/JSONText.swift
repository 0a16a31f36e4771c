import Foundation

/// Writes a JSON object by hand, for the few frames sent for every chat message (the visitor's ack and
/// message frames, the agents' `message.created`). Foundation's `JSONEncoder` boxes every value through
/// its generic containers, which made encoding these small frames about a tenth of the server's CPU in
/// the chat benchmark. Output is what `JSONEncoder` with `.iso8601` dates would give, up to key order
/// and its escaping of `/`.
public struct JSONText: Sendable {
    public private(set) var text = ""
    private var needsComma = false

    public init() {}

    /// Writes `{`, the object's members through `body`, then `}`.
    public static func object(_ body: (inout JSONText) -> Void) -> String {
        var json = JSONText()
        json.object(body)
        return json.text
    }

    public mutating func object(_ body: (inout JSONText) -> Void) {
        text.append("{")
        needsComma = false
        body(&self)
        text.append("}")
        needsComma = true
    }

    /// An array member: `"key": [ ... ]`, each element written by `element`.
    public mutating func array<S: Sequence>(_ key: String, _ elements: S, _ element: (inout JSONText, S.Element) -> Void) {
        self.key(key)
        text.append("[")
        needsComma = false
        for item in elements {
            if needsComma { text.append(",") }
            element(&self, item)
            needsComma = true
        }
        text.append("]")
        needsComma = true
    }

    /// An object member: `"key": { ... }`.
    public mutating func object(_ key: String, _ body: (inout JSONText) -> Void) {
        self.key(key)
        object(body)
    }

    public mutating func string(_ key: String, _ value: String?) {
        self.key(key)
        if let value { Self.appendQuoted(value, to: &text) } else { text.append("null") }
        needsComma = true
    }

    public mutating func bool(_ key: String, _ value: Bool) {
        self.key(key)
        text.append(value ? "true" : "false")
        needsComma = true
    }

    public mutating func int(_ key: String, _ value: Int) {
        self.key(key)
        text.append(String(value))
        needsComma = true
    }

    /// A finite number, in the shortest form that reads back as the same `Double`.
    public mutating func double(_ key: String, _ value: Double) {
        self.key(key)
        text.append(value.description)
        needsComma = true
    }

    /// A date as ISO 8601 in UTC to the second, like `JSONEncoder`'s `.iso8601`.
    public mutating func date(_ key: String, _ value: Date) {
        self.key(key)
        text.append("\"")
        text.append(Self.iso8601(value))
        text.append("\"")
        needsComma = true
    }

    private mutating func key(_ key: String) {
        if needsComma { text.append(",") }
        Self.appendQuoted(key, to: &text)
        text.append(":")
        needsComma = false
    }

    /// `value` as a JSON string: quotes, backslashes and control characters escaped.
    static func appendQuoted(_ value: String, to text: inout String) {
        text.append("\"")
        var plainStart = value.utf8.startIndex
        let utf8 = value.utf8
        var index = plainStart
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                text.append(contentsOf: value[plainStart..<index])
                text.append(escape(byte))
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        text.append(contentsOf: value[plainStart..<utf8.endIndex])
        text.append("\"")
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): "\\\""
        case UInt8(ascii: "\\"): "\\\\"
        case 0x0A: "\\n"
        case 0x0D: "\\r"
        case 0x09: "\\t"
        case 0x08: "\\b"
        case 0x0C: "\\f"
        default: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'` in UTC.
    public static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        let year = Int(parts.tm_year) + 1900
        let yearText = year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
