import SwitchboardApp
import Testing

/// The counts table `switchboard migrate-data` prints, and what decides its exit status.
@Suite struct DataMigrationReportTests {
    @Test func aTableWithFewerRowsInTheTargetMakesTheCopyIncompleteAndIsMarked() {
        let report = DataMigrationReport(
            tables: [.init(table: "agents", source: 2, target: 2), .init(table: "messages", source: 20_000, target: 19_999)],
            copiedAttachmentFiles: nil, duration: .seconds(1))
        #expect(!report.isComplete)
        let lines = report.description.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(!lines[1].contains("MISMATCH"))
        #expect(lines[2].contains("20000") && lines[2].contains("19999") && lines[2].contains("MISMATCH"))
    }

    @Test func equalCountsMakeACompleteCopy() {
        let report = DataMigrationReport(tables: [.init(table: "agents", source: 2, target: 2)], copiedAttachmentFiles: 0,
                                         duration: .zero)
        #expect(report.isComplete)
    }
}
