import GRDB
import SwitchboardCore
import SwitchboardStore

/// A row of the append-only `events` log; `sequence` is assigned by the database on insert.
struct EventRecord: SnakeCaseRecord {
    static let databaseTableName = "events"

    var sequence: Int64?
    var workspaceId: String
    var kind: String
    var inboxId: String?
    var conversationId: String?
    var contactId: String?
    var subjectId: String
    var occurredAt: Int64
    var payload: String?

    var event: DomainEvent? {
        guard let sequence, let kind = DomainEvent.Kind(rawValue: kind) else { return nil }
        return DomainEvent(sequence: sequence, workspaceID: WorkspaceID(workspaceId), kind: kind,
                           inboxID: inboxId.map { InboxID($0) }, conversationID: conversationId.map { ConversationID($0) },
                           contactID: contactId.map { ContactID($0) }, subjectID: subjectId, occurredAt: Timestamp.date(occurredAt),
                           payload: payload.flatMap { try? JSONColumn.decode(EventPayload.self, from: $0) })
    }

    /// Appends one event and returns it with its sequence number. Which inbox, conversation, contact
    /// and subject it concerns follows from the payload; a message's contact is passed as `messageContact`.
    static func append(_ kind: DomainEvent.Kind, _ payload: EventPayload, inbox: InboxID?, workspace: WorkspaceID,
                       messageContact: ContactID? = nil, at time: Int64, in db: Database) throws -> DomainEvent {
        let (conversation, contact, subject): (ConversationID?, ContactID?, String) = switch payload {
        case .conversation(let value, _): (value.id, value.contactID, value.id.rawValue)
        case .message(let value): (value.conversationID, messageContact, value.id.rawValue)
        case .contact(let value): (nil, value.id, value.id.rawValue)
        }
        try db.cachedStatement(sql: """
            INSERT INTO events (workspace_id, kind, inbox_id, conversation_id, contact_id, subject_id, occurred_at, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [workspace.rawValue, kind.rawValue, inbox?.rawValue, conversation?.rawValue,
                                     contact?.rawValue, subject, time, try payload.storedJSON()])
        // Built from the values at hand rather than read back: decoding the payload again is a
        // measurable share of ingest time.
        return DomainEvent(sequence: db.lastInsertedRowID, workspaceID: workspace, kind: kind, inboxID: inbox,
                           conversationID: conversation, contactID: contact, subjectID: subject, occurredAt: Timestamp.date(time),
                           payload: payload)
    }
}
