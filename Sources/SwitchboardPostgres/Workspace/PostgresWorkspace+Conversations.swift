import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func conversation(_ id: ConversationID) async throws -> ConversationSummary? {
        try await storage.read { session in
            try await session.row("""
                \(unescaped: Self.summarySelect) WHERE c.workspace_id = \(ws) AND c.id = \(id.rawValue)
                """, ConversationRow.summary)
        }
    }

    func conversations(matching query: ConversationQuery, page: PageRequest) async throws -> Page<ConversationSummary> {
        let cursor = try page.decodedCursor()
        if let cursor, cursor.key == nil { throw InvalidCursor() }
        let words = query.text.map(SearchText.prefixQuery)
        if case .some(.none) = words { return Page(items: [], nextCursor: nil) }
        let tsquery = words ?? nil
        let filtersAssignee = query.assigneeID != nil
        let assignee = (query.assigneeID ?? nil)?.rawValue
        // One statement whatever the filters: an absent filter is a NULL parameter, which the
        // planner folds away for this execution.
        let rows = try await storage.read { session in
            try await session.rows("""
                \(unescaped: Self.summarySelect)
                WHERE c.workspace_id = \(ws)
                  AND (\(query.status?.rawValue)::text IS NULL OR c.status = \(query.status?.rawValue))
                  AND (\(query.inboxID?.rawValue)::text IS NULL OR c.inbox_id = \(query.inboxID?.rawValue))
                  AND (\(query.inboxIDs == nil) OR c.inbox_id = ANY(\(query.inboxIDs.map { $0.map(\.rawValue).sorted() } ?? [])))
                  AND (NOT \(filtersAssignee) OR c.assignee_id IS NOT DISTINCT FROM \(assignee))
                  AND (\(query.teamID?.rawValue)::text IS NULL OR c.team_id = \(query.teamID?.rawValue))
                  AND (\(query.channel?.rawValue)::text IS NULL OR c.channel = \(query.channel?.rawValue))
                  AND (\(query.label?.lowercased())::text IS NULL OR c.id IN (
                        SELECT l.conversation_id FROM conversation_labels l
                        WHERE l.workspace_id = \(ws) AND l.label = \(query.label?.lowercased())))
                  AND (\(tsquery)::text IS NULL
                       OR c.id IN (SELECT m.conversation_id FROM messages m
                                   WHERE m.workspace_id = \(ws) AND m.search_vector @@ to_tsquery('simple', \(tsquery)))
                       OR c.contact_id IN (SELECT s.id FROM contacts s
                                   WHERE s.workspace_id = \(ws) AND s.search_vector @@ to_tsquery('simple', \(tsquery))))
                  AND (\(cursor?.key)::bigint IS NULL OR c.last_activity_at < \(cursor?.key)
                       OR (c.last_activity_at = \(cursor?.key) AND c.id < \(cursor?.id)))
                ORDER BY c.last_activity_at DESC, c.id DESC
                LIMIT \(Int64(page.limit + 1))
                """, ConversationRow.summary)
        }
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? items.last.map {
            Cursor(key: Timestamp.milliseconds($0.conversation.lastActivityAt), id: $0.conversation.id.rawValue).token
        } : nil
        return Page(items: items, nextCursor: next)
    }

    func updateConversation(_ id: ConversationID, _ change: ConversationChange) async throws -> Written<Conversation> {
        try await storage.write { session in
            let current = try await ConversationRow.lock(id, workspace: workspaceID, in: session)
            if case .some(.some(let assignee)) = change.assignee {
                guard try await Self.exists("agents", assignee.rawValue, workspace: workspaceID, in: session)
                else { throw StorageError.notFound("assignee") }
            }
            if case .some(.some(let team)) = change.team {
                guard try await Self.exists("teams", team.rawValue, workspace: workspaceID, in: session)
                else { throw StorageError.notFound("team") }
            }
            let now = Timestamp.date(Timestamp.now())
            let updated = try current.applying(change, now: now)
            guard updated != current else { return Written(current, events: []) }
            try await ConversationRow.update(updated, in: session)
            if updated.labels != current.labels { try await saveLabels(of: updated, in: session) }
            let event = PendingEvent(.conversationUpdated, .conversation(updated, contact: try await contactName(of: updated, in: session)),
                                     inbox: updated.inboxID, at: Timestamp.milliseconds(now))
            return Written(updated, events: try await EventRow.append([event], workspace: workspaceID, in: session))
        }
    }

    func markRead(_ id: ConversationID) async throws -> Written<Conversation> {
        try await storage.write { session in
            var conversation = try await ConversationRow.lock(id, workspace: workspaceID, in: session)
            guard conversation.unreadCount > 0 else { return Written(conversation, events: []) }
            conversation.unreadCount = 0
            try await ConversationRow.update(conversation, in: session)
            let event = PendingEvent(.conversationUpdated,
                                     .conversation(conversation, contact: try await contactName(of: conversation, in: session)),
                                     inbox: conversation.inboxID, at: Timestamp.now())
            return Written(conversation, events: try await EventRow.append([event], workspace: workspaceID, in: session))
        }
    }

    static let summarySelect = """
        SELECT \(ConversationRow.columns), ct.name AS contact_name
        FROM conversations c JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id
        """

    func contactName(of conversation: Conversation, in session: Session) async throws -> ContactName {
        let name = try await session.value("""
            SELECT name FROM contacts WHERE workspace_id = \(ws) AND id = \(conversation.contactID.rawValue)
            """, as: String.self)
        return ContactName(id: conversation.contactID, name: name ?? "")
    }

    /// Mirrors a conversation's labels into `conversation_labels` (for filtering) and the label catalogue.
    private func saveLabels(of conversation: Conversation, in session: Session) async throws {
        let id = conversation.id.rawValue
        try await session.run("DELETE FROM conversation_labels WHERE workspace_id = \(ws) AND conversation_id = \(id)")
        guard !conversation.labels.isEmpty else { return }
        try await session.run("""
            INSERT INTO conversation_labels (workspace_id, label, conversation_id)
            SELECT \(ws), label, \(id) FROM unnest(\(conversation.labels)::text[]) AS label
            """)
        let ids = conversation.labels.map { _ in LabelID.generate().rawValue }
        try await session.run("""
            INSERT INTO labels (id, workspace_id, name, color, description, created_at)
            SELECT l.id, \(ws), l.name, \(Label.defaultColor), '', \(Timestamp.now())
            FROM unnest(\(conversation.labels)::text[], \(ids)::text[]) AS l(name, id)
            ON CONFLICT DO NOTHING
            """)
    }
}
