import Foundation

/// Words for full-text search, cut the same way for what is stored and what is asked: runs of
/// letters and digits, lower-cased, without diacritics (as SQLite's `unicode61` tokenizer does).
/// Both sides then go through PostgreSQL's `simple` configuration, which keeps such words whole.
enum SearchText {
    /// Longest word PostgreSQL indexes (longer ones are skipped in documents and refused in queries).
    static let maxWordBytes = 2047
    /// Text indexed per document at most: keeps a long email under `tsvector`'s 1 MB limit.
    static let maxDocumentBytes = 256 * 1024

    /// The words of `texts`, joined by spaces: what `to_tsvector('simple', …)` is given.
    static func document(_ texts: String...) -> String {
        document(texts)
    }

    static func document(_ texts: [String]) -> String {
        var kept: [String] = []
        var bytes = 0
        for word in texts.lazy.flatMap(words) {
            bytes += word.utf8.count + 1
            guard bytes <= maxDocumentBytes else { break }
            kept.append(word)
        }
        return kept.joined(separator: " ")
    }

    /// A `to_tsquery('simple', …)` text matching every word of `text` as a prefix, or nil when
    /// `text` has no words (a search for punctuation finds nothing).
    static func prefixQuery(_ text: String) -> String? {
        let words = words(text)
        guard !words.isEmpty else { return nil }
        // Words are letters and digits only, so nothing in them reads as tsquery syntax.
        return words.map { "\($0):*" }.joined(separator: " & ")
    }

    static func words(_ text: String) -> [String] {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            .split { !($0.isLetter || $0.isNumber) }
            .map(String.init)
            .filter { $0.utf8.count <= maxWordBytes }
    }
}
