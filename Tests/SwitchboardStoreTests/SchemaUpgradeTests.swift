import Foundation
import GRDB
import PostgresNIO
import SwitchboardCore
@testable import SwitchboardPostgres
@testable import SwitchboardSQLite
import SwitchboardStore
import Testing

/// Installations made before the label catalogue had ids keep their labels, with ids, on upgrade.
@Suite("Schema upgrades")
struct SchemaUpgradeTests {
    @Test func sqliteLabelsMadeBeforeTheCatalogueGainIdsAndTheDefaultColour() async throws {
        let queue = try DatabaseQueue()
        try SQLiteStorage.migrator.migrate(queue, upTo: "v4-jobs")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO labels (workspace_id, name, created_at) VALUES ('default', 'vip', 5), ('default', 'bug', 6)")
        }
        let labels = try await SQLiteStorage(writer: queue).workspace(Workspace.defaultID).labels()
        Self.expectUpgraded(labels)
    }

    @Test(.enabled(if: PostgresTestDatabase.url != nil))
    func postgresLabelsMadeBeforeTheCatalogueGainIdsAndTheDefaultColour() async throws {
        let storage = try PostgresTestDatabase.makeStorage()
        // Back to the v3 shape of `labels`, with rows, then the v4 statements again.
        try await storage.write { session in
            try await session.run("DROP TABLE canned_responses")
            try await session.run("""
                ALTER TABLE labels DROP CONSTRAINT labels_workspace_id_id_key, DROP COLUMN id, DROP COLUMN color,
                    DROP COLUMN description
                """)
            try await session.run("INSERT INTO labels (workspace_id, name, created_at) VALUES ('default', 'vip', 5), ('default', 'bug', 6)")
            for statement in PostgresStorage.Migrations.settings { try await session.run(statement) }
        }
        Self.expectUpgraded(try await storage.workspace(Workspace.defaultID).labels())
    }

    private static func expectUpgraded(_ labels: [Label]) {
        #expect(labels.map(\.name) == ["bug", "vip"])
        #expect(labels.allSatisfy { $0.id.rawValue.count == 26 && $0.color == Label.defaultColor && $0.description.isEmpty })
        #expect(Set(labels.map(\.id)).count == 2)
        #expect(labels.map(\.createdAt) == [Date(timeIntervalSince1970: 0.006), Date(timeIntervalSince1970: 0.005)])
    }
}
