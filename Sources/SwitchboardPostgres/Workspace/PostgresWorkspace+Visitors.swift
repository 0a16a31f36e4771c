import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresWorkspace {
    func createVisitorSession(_ new: NewVisitorSession) async throws -> Written<VisitorSession> {
        try await storage.write { session in
            guard try await Self.exists("inboxes", new.inboxID.rawValue, workspace: workspaceID, in: session)
            else { throw StorageError.notFound("inbox") }
            let now = Timestamp.now()
            var events: [PendingEvent] = []
            let externalID: String
            let contactID: ContactID
            switch new.identity {
            case .verified(let identifier):
                externalID = "user:\(identifier)"
                if let known = try await identityOwner(externalID, in: session) {
                    contactID = known
                } else {
                    if let email = new.email, let owner = try await ContactHandle.email.owner(email, workspace: workspaceID, in: session) {
                        contactID = owner
                    } else {
                        contactID = .generate()
                        events.append(try await ContactRow.insert(contactID, name: new.name ?? new.email ?? identifier,
                                                                  attributes: [:], workspace: workspaceID, at: now, in: session))
                    }
                    // Another session of this visitor claimed the identity meanwhile: rerun and find it.
                    guard try await insertIdentity(externalID, contact: contactID, at: now, in: session) else { throw WriteConflict() }
                }
                if let email = new.email {
                    try await ContactHandle.email.add(email, to: contactID, workspace: workspaceID, in: session)
                }
            case .anonymous:
                externalID = "visitor:\(SortableID.make())"
                contactID = .generate()
                let name = new.name ?? "Visitor \(externalID.suffix(4).uppercased())"
                let attributes: [String: JSONValue] = new.email.map { ["unverified_email": .string($0)] } ?? [:]
                events.append(try await ContactRow.insert(contactID, name: name, attributes: attributes, workspace: workspaceID,
                                                          at: now, in: session))
                _ = try await insertIdentity(externalID, contact: contactID, at: now, in: session)
            }
            let isVerified = if case .verified = new.identity { true } else { false }
            try await session.run("""
                INSERT INTO visitor_sessions (digest, workspace_id, inbox_id, external_id, verified, created_at)
                VALUES (\(new.tokenDigest), \(ws), \(new.inboxID.rawValue), \(externalID), \(isVerified), \(now))
                """)
            let visitor = VisitorSession(workspaceID: workspaceID, inboxID: new.inboxID, externalID: externalID,
                                         contactID: contactID, isVerified: isVerified, createdAt: Timestamp.date(now))
            return Written(visitor, events: try await EventRow.append(events, workspace: workspaceID, in: session))
        }
    }

    func latestConversation(of contact: ContactID, in inbox: InboxID) async throws -> Conversation? {
        try await storage.read { session in
            try await session.row("""
                SELECT \(unescaped: ConversationRow.columns) FROM conversations c
                WHERE c.workspace_id = \(ws) AND c.contact_id = \(contact.rawValue) AND c.inbox_id = \(inbox.rawValue)
                ORDER BY c.last_activity_at DESC LIMIT 1
                """, ConversationRow.conversation)
        }
    }

    private func identityOwner(_ externalID: String, in session: Session) async throws -> ContactID? {
        try await session.value("""
            SELECT contact_id FROM contact_identities
            WHERE workspace_id = \(ws) AND channel = \(ChannelKind.webChat.rawValue) AND external_id = \(externalID)
            """, as: String.self).map { ContactID($0) }
    }

    /// Gives the contact the `web_chat` identity; false when some contact has it already.
    private func insertIdentity(_ externalID: String, contact: ContactID, at now: Int64, in session: Session) async throws -> Bool {
        try await session.count("""
            INSERT INTO contact_identities (workspace_id, channel, external_id, contact_id, created_at)
            VALUES (\(ws), \(ChannelKind.webChat.rawValue), \(externalID), \(contact.rawValue), \(now))
            ON CONFLICT DO NOTHING RETURNING contact_id
            """) == 1
    }
}
