import Foundation
import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func contacts(matching text: String?, page: PageRequest) async throws -> Page<Contact> {
        let cursor = try page.decodedCursor()
        let ws = self.ws
        let pattern = text.map { FTS5Pattern(matchingAllPrefixesIn: $0) }
        if case .some(.none) = pattern { return Page(items: [], nextCursor: nil) }
        return try await storage.read { db in
            var sql: SQL = "SELECT * FROM contacts WHERE workspace_id = \(ws)"
            if let pattern = pattern.flatMap({ $0 }) {
                sql += " AND rowid IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH \(pattern))"
            }
            if let cursor {
                guard let key = cursor.key else { throw InvalidCursor() }
                sql += " AND (created_at < \(key) OR (created_at = \(key) AND id < \(cursor.id)))"
            }
            sql += " ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)"
            let records = try ContactRecord.fetchAll(db, SQLRequest<ContactRecord>(literal: sql))
            let items = try records.prefix(page.limit).map { try $0.contact(in: db) }
            let next = records.count > page.limit ? items.last.map {
                Cursor(key: Timestamp.milliseconds($0.createdAt), id: $0.id.rawValue).token
            } : nil
            return Page(items: items, nextCursor: next)
        }
    }

    func contactProfile(_ id: ContactID) async throws -> ContactProfile? {
        let workspace = workspaceID
        return try await storage.read { db in
            guard let contact = try ContactRecord.load(id, workspace: workspace, in: db) else { return nil }
            let conversations = try ConversationRecord.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM conversations INDEXED BY conversations_by_contact WHERE workspace_id = ? AND contact_id = ?
                ORDER BY last_activity_at DESC, id DESC
                """), arguments: [workspace.rawValue, id.rawValue]).map { try $0.conversation() }
            return ContactProfile(contact: contact, conversations: conversations)
        }
    }

    func mergeContacts(survivor: ContactID, other: ContactID) async throws -> Written<Contact> {
        guard survivor != other else { throw StorageError.conflict("a contact cannot be merged into itself") }
        let workspace = workspaceID
        return try await storage.write { db in
            guard var kept = try ContactRecord.load(survivor, workspace: workspace, in: db),
                  let merged = try ContactRecord.load(other, workspace: workspace, in: db)
            else { throw StorageError.notFound("contact") }
            let ids: StatementArguments = [survivor.rawValue, other.rawValue]
            try db.cachedStatement(sql: "UPDATE contact_identities SET contact_id = ? WHERE contact_id = ?").execute(arguments: ids)
            try db.cachedStatement(sql: "UPDATE contact_handles SET contact_id = ?, position = position + 1000 WHERE contact_id = ?").execute(arguments: ids)
            try db.cachedStatement(sql: "UPDATE conversations SET contact_id = ? WHERE contact_id = ?").execute(arguments: ids)
            try db.cachedStatement(sql: "UPDATE messages SET sender_id = ? WHERE sender_kind = 'contact' AND sender_id = ?").execute(arguments: ids)
            // The survivor's attributes win; the other contact only fills gaps.
            kept.attributes.merge(merged.attributes) { mine, _ in mine }
            try db.cachedStatement(sql: "UPDATE contacts SET attributes = ? WHERE id = ?").execute(
                arguments: [try JSONColumn.encode(kept.attributes), survivor.rawValue])
            try db.cachedStatement(sql: "DELETE FROM contacts WHERE id = ?").execute(arguments: [other.rawValue])
            try ContactRecord.refreshSearchText(survivor, in: db)
            guard let result = try ContactRecord.load(survivor, workspace: workspace, in: db)
            else { throw StorageError.notFound("contact") }
            let event = try EventRecord.append(.contactMerged, .contact(ContactName(id: result.id, name: result.name)),
                                               inbox: nil, workspace: workspace, at: Timestamp.now(), in: db)
            return Written(result, events: [event])
        }
    }
}
