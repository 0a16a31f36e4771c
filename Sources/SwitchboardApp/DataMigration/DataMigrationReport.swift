/// What a ``DataMigration`` copied: each table's rows in the source and in the target.
public struct DataMigrationReport: Sendable, CustomStringConvertible {
    /// One table's row counts.
    public struct Row: Sendable, Hashable {
        public let table: String
        public let source: Int
        public let target: Int

        public var matches: Bool { source == target }

        public init(table: String, source: Int, target: Int) {
            self.table = table
            self.source = source
            self.target = target
        }
    }

    public let tables: [Row]
    /// Attachment files copied (or already there), when the migration copied them.
    public let copiedAttachmentFiles: Int?
    public let duration: Duration

    public init(tables: [Row], copiedAttachmentFiles: Int?, duration: Duration) {
        self.tables = tables
        self.copiedAttachmentFiles = copiedAttachmentFiles
        self.duration = duration
    }

    /// True when every table holds as many rows in the target as in the source.
    public var isComplete: Bool { tables.allSatisfy(\.matches) }

    /// The counts as a table, one line per database table, mismatches marked.
    public var description: String {
        let width = max(tables.map(\.table.count).max() ?? 0, "table".count)
        func line(_ name: String, _ source: String, _ target: String, _ mark: String) -> String {
            name + String(repeating: " ", count: width - name.count) + "  " + pad(source) + "  " + pad(target) + mark
        }
        func pad(_ text: String) -> String { String(repeating: " ", count: max(0, 10 - text.count)) + text }
        var lines = [line("table", "source", "target", "")]
        for row in tables {
            lines.append(line(row.table, "\(row.source)", "\(row.target)", row.matches ? "" : "  MISMATCH"))
        }
        return lines.joined(separator: "\n")
    }
}
