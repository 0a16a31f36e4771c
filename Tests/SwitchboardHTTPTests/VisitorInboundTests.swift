import Foundation
@testable import SwitchboardHTTP
import Testing

/// A visitor's frames are read by a scanner for the common shape and by `JSONDecoder` otherwise; the
/// answer must always be `JSONDecoder`'s.
@Suite("Visitor frames in")
struct VisitorInboundTests {
    static func decoder(_ text: String) -> VisitorInbound? {
        try? JSONDecoder().decode(VisitorInbound.self, from: Data(text.utf8))
    }

    static let corpus = [
        #"{"type":"message","content":"Hello there","client_id":"c-1"}"#,
        #"{"type":"typing","typing":true}"#, #"{"type":"typing","typing":false}"#, #"{"type":"read"}"#,
        #" { "type" : "message" , "content" : "hi" , "client_id" : "x" , "attachment_ids" : [ "a" , "b" ] } "#,
        "{\n\t\"type\":\"message\",\r\n\"content\":\"é 中文 👋🏽 \u{7F} \u{2028}\",\"client_id\":\"k\"}\n",
        #"{"type":"message","content":null,"client_id":null,"attachment_ids":null,"typing":null}"#,
        #"{"type":"message","attachment_ids":[],"client_id":"z"}"#,
        #"{"type":"message","content":"say \"hi\"\n","client_id":"c\u0041"}"#,
        #"{"type":"message","content":"\ud83d\udc4b","client_id":"c"}"#,
        #"{"type":"message","content":"\ud83d","client_id":"c"}"#,
        #"{"type":"message","extra":{"nested":[1,2.5e3,-0,true,null,"x"]},"client_id":"c"}"#,
        #"{"type":"message","type":"typing"}"#, #"{"type":"a","content":"1","content":"2"}"#,
        #"{"type":"typing","typing":1}"#, #"{"type":"typing","typing":"true"}"#, #"{"type":"message","content":5}"#,
        #"{"type":null}"#, #"{"type":5}"#, #"{"content":"no type"}"#, "{}", "[]", "\"type\"", "null", "", " ",
        #"{"type":"message"} x"#, #"{"type":"message"}}"#, #"{"type":"message",}"#, #"{"type":"message""#,
        #"{"type":"message","typing":truex}"#, #"{"type":"message","typing":nul}"#, #"{"type":"a","attachment_ids":["x",]}"#,
        #"{"type":"a","attachment_ids":["x",1]}"#, #"{"type":"a","attachment_ids":"x"}"#, #"{'type':'message'}"#,
        "{\"type\":\"a\u{01}\"}", "\u{FEFF}{\"type\":\"message\"}", "{\"type\":\"message\",\"content\":\"tab\tinside\"}",
        #"{"ty\u0070e":"message"}"#, #"{"type":"message"}"# + "\u{00}",
    ]

    @Test func everyFrameReadsAsJSONDecoderReadsIt() {
        for text in Self.corpus {
            #expect(VisitorInbound.decode(text) == Self.decoder(text), "\(text)")
        }
    }

    @Test func theWidgetsFramesTakeTheScanner() {
        for text in Self.corpus.prefix(8) {
            #expect(VisitorInbound.scanned(text) != nil, "\(text)")
        }
        #expect(VisitorInbound.scanned(Self.corpus[0])
                == VisitorInbound(type: "message", content: "Hello there", clientID: "c-1"))
        #expect(VisitorInbound.scanned(Self.corpus[4])?.attachmentIDs == ["a", "b"])
    }

    /// Random frames (keys, values, spacing and escapes of every kind), each also cut short and with a
    /// byte changed: the scanner and the decoder never disagree.
    @Test func randomFramesReadAsJSONDecoderReadsThem() {
        var random = SeededRandom(seed: 7)
        var scanned = 0
        for _ in 0..<3_000 {
            let text = Self.randomFrame(&random)
            var variants = [text]
            if !text.isEmpty {
                let bytes = Array(text.utf8)
                variants.append(String(decoding: bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)), as: UTF8.self))
                var changed = bytes
                changed[Int.random(in: 0..<bytes.count, using: &random)] = Array(#"{}[]",: \tnul1"#.utf8).randomElement(using: &random)!
                variants.append(String(decoding: changed, as: UTF8.self))
            }
            for variant in variants {
                #expect(VisitorInbound.decode(variant) == Self.decoder(variant), "\(variant)")
                if VisitorInbound.scanned(variant) != nil { scanned += 1 }
            }
        }
        #expect(scanned > 500, "the scanner took \(scanned) frames: the common shapes must reach it")
    }

    static func randomFrame(_ random: inout SeededRandom) -> String {
        let space = ["", "", "", " ", "\n", "\t ", "\r\n"]
        func ws() -> String { space.randomElement(using: &random)! }
        let plain = ["hello", "", "a b", "é👋🏽", "client-1", "x\u{7F}"]
        let escaped = [#"say \"hi\""#, #"a\\b"#, #"line\nbreak"#, #"\u00e9"#, #"\/"#, #"\ud83d\udc4b"#, #"\ud83d"#]
        func string() -> String {
            "\"" + (Int.random(in: 0..<4, using: &random) == 0 ? escaped : plain).randomElement(using: &random)! + "\""
        }
        func value() -> String {
            switch Int.random(in: 0..<10, using: &random) {
            case 0: "null"
            case 1: Bool.random(using: &random) ? "true" : "false"
            case 2: ["1", "-2.5e3", "0"].randomElement(using: &random)!
            case 3: "[" + (0..<Int.random(in: 0..<3, using: &random)).map { _ in ws() + string() + ws() }.joined(separator: ",") + "]"
            case 4: "{" + ws() + "\"n\":" + ws() + string() + "}"
            default: string()
            }
        }
        if Int.random(in: 0..<3, using: &random) == 0 {  // the widget's own shape, in any order and spacing
            let members = ["type", "content", "client_id"].shuffled(using: &random).map { key in
                ws() + "\"" + key + "\"" + ws() + ":" + ws() + string() + ws()
            }
            return ws() + "{" + members.joined(separator: ",") + "}" + ws()
        }
        let keys = ["type", "type", "content", "client_id", "attachment_ids", "typing", "other"]
        let count = Int.random(in: 0..<6, using: &random)
        let members = (0..<count).map { _ -> String in
            let key = keys.randomElement(using: &random)!
            let isTypeString = key == "type" && Int.random(in: 0..<5, using: &random) > 0
            return ws() + "\"" + key + "\"" + ws() + ":" + ws() + (isTypeString ? string() : value()) + ws()
        }
        return ws() + "{" + members.joined(separator: ",") + "}" + ws()
    }
}

/// A reproducible generator (SplitMix64), so a failure names an input that fails again.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
