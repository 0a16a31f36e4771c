import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func cannedResponses(matching text: String?) async throws -> [CannedResponse] {
        let ws = self.ws
        return try await storage.read { db in
            var sql: SQL = "SELECT * FROM canned_responses WHERE workspace_id = \(ws)"
            if let text {
                // instr, not LIKE: no wildcards to escape, and SQLite's LIKE folds ASCII only, while
                // both sides here are lower-cased in Swift.
                let needle = text.lowercased()
                sql += " AND (instr(short_code, \(needle)) = 1 OR instr(content_key, \(needle)) > 0)"
            }
            sql += " ORDER BY short_code"
            return try Row.fetchAll(db, SQLRequest<Row>(literal: sql)).map(Self.cannedResponse)
        }
    }

    func createCannedResponse(shortCode: String, content: String) async throws -> CannedResponse {
        let response = CannedResponse(id: .generate(), shortCode: shortCode, content: content,
                                      createdAt: Timestamp.date(Timestamp.now()))
        let ws = self.ws
        do {
            try await storage.write { db in
                try db.cachedStatement(sql: """
                    INSERT INTO canned_responses (id, workspace_id, short_code, content, content_key, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [response.id.rawValue, ws, shortCode, content, content.lowercased(),
                                             Timestamp.milliseconds(response.createdAt)])
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("a canned response with this short code")
        }
        return response
    }

    func updateCannedResponse(_ id: CannedResponseID, shortCode: String?, content: String?) async throws -> CannedResponse {
        let ws = self.ws
        do {
            return try await storage.write { db in
                guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                    UPDATE canned_responses SET short_code = coalesce(?, short_code), content = coalesce(?, content),
                        content_key = coalesce(?, content_key)
                    WHERE workspace_id = ? AND id = ? RETURNING *
                    """), arguments: [shortCode, content, content?.lowercased(), ws, id.rawValue])
                else { throw StorageError.notFound("canned response") }
                return Self.cannedResponse(row)
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("a canned response with this short code")
        }
    }

    func deleteCannedResponse(_ id: CannedResponseID) async throws {
        let ws = self.ws
        try await storage.write { db in
            try db.cachedStatement(sql: "DELETE FROM canned_responses WHERE workspace_id = ? AND id = ?").execute(arguments: [ws, id.rawValue])
            guard db.changesCount == 1 else { throw StorageError.notFound("canned response") }
        }
    }

    static func cannedResponse(_ row: Row) -> CannedResponse {
        CannedResponse(id: CannedResponseID(row["id"]), shortCode: row["short_code"], content: row["content"],
                       createdAt: Timestamp.date(row["created_at"] as Int64))
    }
}
