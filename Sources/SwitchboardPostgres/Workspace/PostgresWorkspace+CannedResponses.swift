import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func cannedResponses(matching text: String?) async throws -> [CannedResponse] {
        // strpos, not ILIKE: no wildcards to escape, and both sides are lower-cased in Swift exactly
        // as the SQLite backend does it.
        let needle = text?.lowercased()
        return try await storage.read { session in
            try await session.rows("""
                SELECT \(unescaped: CannedResponseRow.columns) FROM canned_responses
                WHERE workspace_id = \(ws)
                  AND (\(needle)::text IS NULL OR starts_with(short_code, \(needle)) OR strpos(content_key, \(needle)) > 0)
                ORDER BY short_code
                """, CannedResponseRow.cannedResponse)
        }
    }

    func createCannedResponse(shortCode: String, content: String) async throws -> CannedResponse {
        let response = CannedResponse(id: .generate(), shortCode: shortCode, content: content,
                                      createdAt: Timestamp.date(Timestamp.now()))
        do {
            try await storage.write { session in
                try await session.run("""
                    INSERT INTO canned_responses (id, workspace_id, short_code, content, content_key, created_at)
                    VALUES (\(response.id.rawValue), \(ws), \(shortCode), \(content), \(content.lowercased()),
                            \(Timestamp.milliseconds(response.createdAt)))
                    """)
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("a canned response with this short code")
        }
        return response
    }

    func updateCannedResponse(_ id: CannedResponseID, shortCode: String?, content: String?) async throws -> CannedResponse {
        do {
            return try await storage.write { session in
                guard let updated = try await session.row("""
                    UPDATE canned_responses SET short_code = coalesce(\(shortCode), short_code),
                        content = coalesce(\(content), content), content_key = coalesce(\(content?.lowercased()), content_key)
                    WHERE workspace_id = \(ws) AND id = \(id.rawValue)
                    RETURNING \(unescaped: CannedResponseRow.columns)
                    """, CannedResponseRow.cannedResponse)
                else { throw StorageError.notFound("canned response") }
                return updated
            }
        } catch StorageError.duplicate {
            throw StorageError.duplicate("a canned response with this short code")
        }
    }

    func deleteCannedResponse(_ id: CannedResponseID) async throws {
        try await storage.write { session in
            let deleted = try await session.count("""
                DELETE FROM canned_responses WHERE workspace_id = \(ws) AND id = \(id.rawValue) RETURNING id
                """)
            guard deleted == 1 else { throw StorageError.notFound("canned response") }
        }
    }
}

/// Reading rows of `canned_responses`.
enum CannedResponseRow {
    static let columns = "id, short_code, content, created_at"

    static func cannedResponse(_ row: Columns) throws -> CannedResponse {
        CannedResponse(id: CannedResponseID(try row("id")), shortCode: try row("short_code"), content: try row("content"),
                       createdAt: Timestamp.date(try row("created_at", as: Int64.self)))
    }
}
