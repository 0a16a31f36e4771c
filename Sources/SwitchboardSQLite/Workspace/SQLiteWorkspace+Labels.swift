import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func labels() async throws -> [Label] {
        let ws = self.ws
        return try await storage.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM labels WHERE workspace_id = ? ORDER BY name"), arguments: [ws])
                .map(Self.label)
        }
    }

    func createLabel(_ new: NewLabel) async throws -> Label {
        let label = Label(id: .generate(), name: new.name, color: new.color, description: new.description,
                          createdAt: Timestamp.date(Timestamp.now()))
        let ws = self.ws
        do {
            try await storage.write { db in
                try db.cachedStatement(sql: """
                    INSERT INTO labels (id, workspace_id, name, color, description, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [label.id.rawValue, ws, label.name, label.color, label.description,
                                             Timestamp.milliseconds(label.createdAt)])
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("a label with this name")
        }
        return label
    }

    func deleteLabel(_ id: LabelID) async throws {
        let ws = self.ws
        try await storage.write { db in
            try db.cachedStatement(sql: "DELETE FROM labels WHERE workspace_id = ? AND id = ?").execute(arguments: [ws, id.rawValue])
            guard db.changesCount == 1 else { throw StorageError.notFound("label") }
        }
    }

    static func label(_ row: Row) -> Label {
        Label(id: LabelID(row["id"]), name: row["name"], color: row["color"], description: row["description"],
              createdAt: Timestamp.date(row["created_at"] as Int64))
    }
}
