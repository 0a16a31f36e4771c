import Foundation

/// A frame the visitor's widget sends: `{"type": "message", "content", "client_id", "attachment_ids"}`,
/// `{"type": "typing", "typing"}` or `{"type": "read"}`.
struct VisitorInbound: Decodable, Equatable {
    let type: String
    let content: String?
    let clientID: String?
    let attachmentIDs: [String]?
    let typing: Bool?

    enum CodingKeys: String, CodingKey {
        case type, content, typing
        case clientID = "client_id"
        case attachmentIDs = "attachment_ids"
    }

    init(type: String, content: String? = nil, clientID: String? = nil, attachmentIDs: [String]? = nil, typing: Bool? = nil) {
        self.type = type
        self.content = content
        self.clientID = clientID
        self.attachmentIDs = attachmentIDs
        self.typing = typing
    }

    /// The frame, or nil when it is not one (not JSON, not an object, no `type`, a field of the wrong type).
    ///
    /// Decoding every visitor message through `JSONDecoder` was ~2.5 % of the server's CPU at 3,000 msg/s.
    /// The frames the widget sends are nearly always flat objects of plain strings, so those are read by
    /// ``Scanner``; anything else it meets (an escape, a number, an unknown or repeated key, a nested
    /// value) sends the whole frame to `JSONDecoder`, so both paths give the same answer by construction.
    static func decode(_ text: String) -> VisitorInbound? {
        scanned(text) ?? (try? JSONDecoder().decode(VisitorInbound.self, from: Data(text.utf8)))
    }

    /// The frame if it has the common shape ``Scanner`` reads; nil otherwise (valid or not).
    static func scanned(_ text: String) -> VisitorInbound? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            return scanner.frame()
        }
    }

    /// Reads the common shape of a frame; nil means "not sure", never "invalid".
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// A flat object with known keys, each once, whose values are plain strings, `true`, `false`,
        /// `null` or an array of plain strings, with `type` a string; nothing but whitespace after it.
        mutating func frame() -> VisitorInbound? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var type: String?, content: String?, clientID: String?, ids: [String]?, typing: Bool?
            var seen: UInt8 = 0  // one bit per key (a repeated key goes to JSONDecoder, which keeps the first)
            if peek() == UInt8(ascii: "}") { return nil }  // no type: JSONDecoder says why
            repeat {
                guard let key = plainString(), let known = CodingKeys(rawValue: key), take(UInt8(ascii: ":")) else { return nil }
                let bit: UInt8 = switch known {
                case .type: 1
                case .content: 2
                case .clientID: 4
                case .attachmentIDs: 8
                case .typing: 16
                }
                guard seen & bit == 0 else { return nil }
                seen |= bit
                switch known {
                case .type: guard let value = plainString() else { return nil }; type = value
                case .content: guard let value = optionalString() else { return nil }; content = value
                case .clientID: guard let value = optionalString() else { return nil }; clientID = value
                case .attachmentIDs: guard let value = optionalStrings() else { return nil }; ids = value
                case .typing: guard let value = optionalBool() else { return nil }; typing = value
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")), let type else { return nil }
            skipWhitespace()
            guard at == bytes.count else { return nil }
            return VisitorInbound(type: type, content: content, clientID: clientID, attachmentIDs: ids, typing: typing)
        }

        /// `.some(nil)` for `null`.
        private mutating func optionalString() -> String?? {
            if literal("null") { return .some(nil) }
            return plainString().map { .some($0) }
        }

        private mutating func optionalBool() -> Bool?? {
            if literal("null") { return .some(nil) }
            if literal("true") { return .some(true) }
            if literal("false") { return .some(false) }
            return nil
        }

        private mutating func optionalStrings() -> [String]?? {
            if literal("null") { return .some(nil) }
            guard take(UInt8(ascii: "[")) else { return nil }
            var strings: [String] = []
            if take(UInt8(ascii: "]")) { return .some(strings) }
            repeat {
                guard let string = plainString() else { return nil }
                strings.append(string)
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? .some(strings) : nil
        }

        /// A string with no escapes and no control characters: its bytes are its value (the text is
        /// valid UTF-8 already, being a `String`).
        private mutating func plainString() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = at
            while at < bytes.count {
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    defer { at += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                at += 1
            }
            return nil
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            skipWhitespace()
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { return false }
            for index in 0..<count where bytes[at + index] != word.utf8Start[index] { return false }
            at += count
            return true
        }

        /// Skips whitespace, then takes `byte` if it comes next.
        private mutating func take(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            at += 1
            return true
        }

        private mutating func peek() -> UInt8? {
            skipWhitespace()
            return at < bytes.count ? bytes[at] : nil
        }

        private mutating func skipWhitespace() {
            while at < bytes.count {
                switch bytes[at] {
                case 0x20, 0x09, 0x0A, 0x0D: at += 1
                default: return
                }
            }
        }
    }
}
