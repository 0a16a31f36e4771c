import Foundation
import GRDB
import SwitchboardCore
import SwitchboardStore

extension SQLiteWorkspace {
    func createVisitorSession(_ new: NewVisitorSession) async throws -> Written<VisitorSession> {
        let workspace = workspaceID
        return try await storage.write { db in
            guard try Self.exists("inboxes", new.inboxID.rawValue, workspace: workspace, in: db)
            else { throw StorageError.notFound("inbox") }
            let now = Timestamp.now()
            var events: [DomainEvent] = []
            let externalID: String
            let contactID: ContactID
            switch new.identity {
            case .verified(let identifier):
                externalID = "user:\(identifier)"
                if let known = try Self.identityOwner(externalID, workspace: workspace, in: db) {
                    contactID = known
                } else {
                    let byEmail = try new.email.flatMap { try ContactHandle.owner(ContactHandle.email, $0, workspace: workspace, in: db) }
                    if let byEmail {
                        contactID = byEmail
                    } else {
                        contactID = .generate()
                        events.append(try Self.insertContact(contactID, name: new.name ?? new.email ?? identifier,
                                                             attributes: [:], workspace: workspace, at: now, in: db))
                    }
                    try Self.insertIdentity(externalID, contact: contactID, workspace: workspace, at: now, in: db)
                }
                if let email = new.email,
                   try ContactHandle.add(ContactHandle.email, email, to: contactID, workspace: workspace, in: db) {
                    try ContactRecord.refreshSearchText(contactID, in: db)
                }
            case .anonymous:
                externalID = "visitor:\(SortableID.make())"
                contactID = .generate()
                let name = new.name ?? "Visitor \(externalID.suffix(4).uppercased())"
                let attributes: [String: JSONValue] = new.email.map { ["unverified_email": .string($0)] } ?? [:]
                events.append(try Self.insertContact(contactID, name: name, attributes: attributes,
                                                     workspace: workspace, at: now, in: db))
                try Self.insertIdentity(externalID, contact: contactID, workspace: workspace, at: now, in: db)
            }
            let isVerified = if case .verified = new.identity { true } else { false }
            try db.cachedStatement(sql: """
                INSERT INTO visitor_sessions (digest, workspace_id, inbox_id, external_id, verified, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [new.tokenDigest, workspace.rawValue, new.inboxID.rawValue, externalID, isVerified, now])
            let session = VisitorSession(workspaceID: workspace, inboxID: new.inboxID, externalID: externalID,
                                         contactID: contactID, isVerified: isVerified, createdAt: Timestamp.date(now))
            return Written(session, events: events)
        }
    }

    func latestConversation(of contact: ContactID, in inbox: InboxID) async throws -> Conversation? {
        let ws = self.ws
        return try await storage.read { db in
            try ConversationRecord.fetchOne(db.cachedStatement(sql: """
                SELECT * FROM conversations INDEXED BY conversations_by_contact
                WHERE workspace_id = ? AND contact_id = ? AND inbox_id = ?
                ORDER BY last_activity_at DESC LIMIT 1
                """), arguments: [ws, contact.rawValue, inbox.rawValue])?.conversation()
        }
    }

    private static func identityOwner(_ externalID: String, workspace: WorkspaceID, in db: Database) throws -> ContactID? {
        try String.fetchOne(db.cachedStatement(sql: """
            SELECT contact_id FROM contact_identities WHERE workspace_id = ? AND channel = ? AND external_id = ?
            """), arguments: [workspace.rawValue, ChannelKind.webChat.rawValue, externalID]).map { ContactID($0) }
    }

    private static func insertIdentity(_ externalID: String, contact: ContactID, workspace: WorkspaceID, at now: Int64,
                                       in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO contact_identities (workspace_id, channel, external_id, contact_id, created_at) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [workspace.rawValue, ChannelKind.webChat.rawValue, externalID, contact.rawValue, now])
    }

    private static func insertContact(_ id: ContactID, name: String, attributes: [String: JSONValue], workspace: WorkspaceID,
                                      at now: Int64, in db: Database) throws -> DomainEvent {
        try ContactRecord(id: id.rawValue, workspaceId: workspace.rawValue, name: name,
                          attributes: try JSONColumn.encode(attributes), searchText: name, createdAt: now).insert(db)
        return try EventRecord.append(.contactCreated, .contact(ContactName(id: id, name: name)), inbox: nil,
                                      workspace: workspace, at: now, in: db)
    }
}
