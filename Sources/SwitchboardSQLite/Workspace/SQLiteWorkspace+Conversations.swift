import Foundation
import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    /// Read by column position (``PositionedRow``): every agent reply reads its conversation first.
    func conversation(_ id: ConversationID) async throws -> ConversationSummary? {
        let workspace = workspaceID
        return try await storage.pointRead { db in
            try PositionedRow.first(db.cachedStatement(sql: Self.summaryByIDSQL), arguments: [workspace.rawValue, id.rawValue]) { id, row in
                let conversation = try ConversationRecord(id: id, row: row).conversation()
                let name: String = try row.required(CInt(ConversationRecord.columns.count))
                return ConversationSummary(conversation: conversation, contact: ContactName(id: conversation.contactID, name: name))
            }
        }
    }

    private static let summaryByIDSQL = """
        SELECT \(ConversationRecord.selection(of: "c")), ct.name FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
        WHERE c.workspace_id = ? AND c.id = ?
        """

    func conversations(matching query: ConversationQuery, page: PageRequest) async throws -> Page<ConversationSummary> {
        let cursor = try page.decodedCursor()
        let ws = self.ws
        let textPattern = query.text.map { FTS5Pattern(matchingAllPrefixesIn: $0) }
        if case .some(.none) = textPattern { return Page(items: [], nextCursor: nil) }
        return try await storage.read { db in
            var sql = Self.summarySelect + " WHERE c.workspace_id = \(ws)"
            var probedPattern = textPattern.flatMap { $0 }
            if let pattern = probedPattern, try !Self.isBroad(pattern, in: db) {
                // Few matches: start from them and sort those, instead of walking every conversation in
                // activity order to probe each against the matches (200 ms at 100,000 conversations).
                // `+workspace_id` keeps SQLite from scanning the workspace's index instead of looking the
                // matched rowids up (50 ms instead of 4 ms at 100,000 messages).
                sql = Self.summarySelect(from: SQL("""
                    (SELECT m.conversation_id AS id FROM messages m WHERE +m.workspace_id = \(ws) AND m.rowid IN
                        (SELECT rowid FROM messages_fts WHERE messages_fts MATCH \(pattern))
                     UNION SELECT c2.id FROM conversations c2 WHERE c2.workspace_id = \(ws) AND c2.contact_id IN
                        (SELECT ct2.id FROM contacts ct2 WHERE +ct2.workspace_id = \(ws) AND ct2.rowid IN
                            (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH \(pattern))))
                    """)) + " WHERE c.workspace_id = \(ws)"
                probedPattern = nil
            }
            if let status = query.status { sql += " AND c.status = \(status.rawValue)" }
            if let inbox = query.inboxID { sql += " AND c.inbox_id = \(inbox.rawValue)" }
            if let inboxes = query.inboxIDs {
                guard !inboxes.isEmpty else { return Page(items: [], nextCursor: nil) }
                sql += " AND c.inbox_id IN \(inboxes.map(\.rawValue).sorted())"
            }
            if let assignee = query.assigneeID {
                sql += assignee.map { " AND c.assignee_id = \($0.rawValue)" } ?? " AND c.assignee_id IS NULL"
            }
            if let team = query.teamID { sql += " AND c.team_id = \(team.rawValue)" }
            if let channel = query.channel { sql += " AND c.channel = \(channel.rawValue)" }
            if let label = query.label {
                sql += " AND c.id IN (SELECT conversation_id FROM conversation_labels WHERE workspace_id = \(ws) AND label = \(label.lowercased()))"
            }
            if let pattern = probedPattern {
                sql += """
                     AND (c.id IN (SELECT m.conversation_id FROM messages m WHERE m.workspace_id = \(ws) AND m.rowid IN
                                   (SELECT rowid FROM messages_fts WHERE messages_fts MATCH \(pattern)))
                          OR c.contact_id IN (SELECT ct2.id FROM contacts ct2 WHERE ct2.workspace_id = \(ws) AND ct2.rowid IN
                                   (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH \(pattern))))
                    """
            }
            if let cursor {
                guard let key = cursor.key else { throw InvalidCursor() }
                sql += " AND (c.last_activity_at < \(key) OR (c.last_activity_at = \(key) AND c.id < \(cursor.id)))"
            }
            sql += " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT \(page.limit + 1)"
            let rows = try Row.fetchAll(db, SQLRequest<Row>(literal: sql))
            let items = try rows.prefix(page.limit).map(Self.summary)
            let next = rows.count > page.limit ? items.last.map {
                Cursor(key: Timestamp.milliseconds($0.conversation.lastActivityAt), id: $0.conversation.id.rawValue).token
            } : nil
            return Page(items: items, nextCursor: next)
        }
    }

    func updateConversation(_ id: ConversationID, _ change: ConversationChange) async throws -> Written<Conversation> {
        let workspace = workspaceID
        return try await storage.write { db in
            let current = try Self.loadConversation(id, workspace: workspace, in: db)
            if case .some(.some(let assignee)) = change.assignee {
                guard try Self.exists("agents", assignee.rawValue, workspace: workspace, in: db)
                else { throw StorageError.notFound("assignee") }
            }
            if case .some(.some(let team)) = change.team {
                guard try Self.exists("teams", team.rawValue, workspace: workspace, in: db)
                else { throw StorageError.notFound("team") }
            }
            let now = Date()
            let updated = try current.applying(change, now: now)
            guard updated != current else { return Written(current, events: []) }
            try ConversationRecord(updated).updateRow(db)
            if updated.labels != current.labels { try Self.saveLabels(of: updated, in: db) }
            let event = try EventRecord.append(
                .conversationUpdated, .conversation(updated, contact: try Self.contactName(of: updated, in: db)),
                inbox: updated.inboxID, workspace: workspace, at: Timestamp.milliseconds(now), in: db)
            return Written(updated, events: [event])
        }
    }

    func markRead(_ id: ConversationID) async throws -> Written<Conversation> {
        let workspace = workspaceID
        return try await storage.write { db in
            var conversation = try Self.loadConversation(id, workspace: workspace, in: db)
            guard conversation.unreadCount > 0 else { return Written(conversation, events: []) }
            conversation.unreadCount = 0
            try ConversationRecord(conversation).updateRow(db)
            let event = try EventRecord.append(
                .conversationUpdated, .conversation(conversation, contact: try Self.contactName(of: conversation, in: db)),
                inbox: conversation.inboxID, workspace: workspace, at: Timestamp.now(), in: db)
            return Written(conversation, events: [event])
        }
    }

    static let summarySelect: SQL = """
        SELECT c.*, ct.name AS contact_name FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
        """

    /// The summary select driven from a subquery of conversation ids (`CROSS JOIN` keeps SQLite from
    /// reordering the join back to a scan of every conversation).
    static func summarySelect(from ids: SQL) -> SQL {
        "SELECT c.*, ct.name AS contact_name FROM " + ids + """
             AS hits CROSS JOIN conversations c ON c.id = hits.id JOIN contacts ct ON ct.id = c.contact_id
            """
    }

    /// Whether a text search matches so many messages that walking conversations in activity order and
    /// stopping at a page is cheaper than collecting and sorting every match.
    static func isBroad(_ pattern: FTS5Pattern, in db: Database) throws -> Bool {
        let limit = 2_000
        let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT \(limit))"),
                                     arguments: [pattern]) ?? 0
        return count >= limit
    }

    static func summary(_ row: Row) throws -> ConversationSummary {
        let conversation = try ConversationRecord(row: row).conversation()
        return ConversationSummary(conversation: conversation,
                                   contact: ContactName(id: conversation.contactID, name: row["contact_name"]))
    }

    static func loadConversation(_ id: ConversationID, workspace: WorkspaceID, in db: Database) throws -> Conversation {
        guard let record = try ConversationRecord.fetchFirst(
            db.cachedStatement(sql: "SELECT \(ConversationRecord.selection) FROM conversations WHERE workspace_id = ? AND id = ?"),
            arguments: [workspace.rawValue, id.rawValue])
        else { throw StorageError.notFound("conversation") }
        return try record.conversation()
    }

    static func contactName(of conversation: Conversation, in db: Database) throws -> ContactName {
        let name = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM contacts WHERE id = ?"), arguments: [conversation.contactID.rawValue])
        return ContactName(id: conversation.contactID, name: name ?? "")
    }

    static func exists(_ table: String, _ id: String, workspace: WorkspaceID, in db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE workspace_id = ? AND id = ?)"),
                          arguments: [workspace.rawValue, id]) ?? false
    }

    /// Mirrors a conversation's labels into `conversation_labels` (for filtering) and the label catalogue.
    private static func saveLabels(of conversation: Conversation, in db: Database) throws {
        let ws = conversation.workspaceID.rawValue
        try db.cachedStatement(sql: "DELETE FROM conversation_labels WHERE conversation_id = ?").execute(arguments: [conversation.id.rawValue])
        for label in conversation.labels {
            try db.cachedStatement(sql: "INSERT INTO conversation_labels (workspace_id, label, conversation_id) VALUES (?, ?, ?)").execute(
                arguments: [ws, label, conversation.id.rawValue])
            try db.cachedStatement(sql: """
                INSERT INTO labels (id, workspace_id, name, color, description, created_at) VALUES (?, ?, ?, ?, '', ?)
                ON CONFLICT DO NOTHING
                """).execute(arguments: [LabelID.generate().rawValue, ws, label, Label.defaultColor, Timestamp.now()])
        }
    }
}
