import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func labels() async throws -> [Label] {
        try await storage.read { session in
            try await session.rows("""
                SELECT \(unescaped: LabelRow.columns) FROM labels WHERE workspace_id = \(ws) ORDER BY name
                """, LabelRow.label)
        }
    }

    func createLabel(_ new: NewLabel) async throws -> Label {
        let label = Label(id: .generate(), name: new.name, color: new.color, description: new.description,
                          createdAt: Timestamp.date(Timestamp.now()))
        do {
            try await storage.write { session in
                try await session.run("""
                    INSERT INTO labels (id, workspace_id, name, color, description, created_at)
                    VALUES (\(label.id.rawValue), \(ws), \(label.name), \(label.color), \(label.description),
                            \(Timestamp.milliseconds(label.createdAt)))
                    """)
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("a label with this name")
        }
        return label
    }

    func deleteLabel(_ id: LabelID) async throws {
        try await storage.write { session in
            let deleted = try await session.count("""
                DELETE FROM labels WHERE workspace_id = \(ws) AND id = \(id.rawValue) RETURNING id
                """)
            guard deleted == 1 else { throw StorageError.notFound("label") }
        }
    }
}

/// Reading rows of `labels`.
enum LabelRow {
    static let columns = "id, name, color, description, created_at"

    static func label(_ row: Columns) throws -> Label {
        Label(id: LabelID(try row("id")), name: try row("name"), color: try row("color"), description: try row("description"),
              createdAt: Timestamp.date(try row("created_at", as: Int64.self)))
    }
}
