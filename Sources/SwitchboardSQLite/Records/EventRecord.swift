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
    var subjectId: String
    var occurredAt: Int64
    var payload: String?

    var event: DomainEvent? {
        guard let sequence, let kind = DomainEvent.Kind(rawValue: kind) else { return nil }
        return DomainEvent(sequence: sequence, workspaceID: WorkspaceID(workspaceId), kind: kind,
                           inboxID: inboxId.map { InboxID($0) }, conversationID: conversationId.map { ConversationID($0) },
                           subjectID: subjectId, occurredAt: Timestamp.date(occurredAt),
                           payload: payload.flatMap { try? JSONColumn.decode(EventPayload.self, from: $0) })
    }

    /// Appends one event and returns it with its sequence number. Which inbox, conversation and
    /// subject it concerns follows from the payload.
    static func append(_ kind: DomainEvent.Kind, _ payload: EventPayload, inbox: InboxID?, workspace: WorkspaceID,
                       at time: Int64, in db: Database) throws -> DomainEvent {
        let (conversation, subject): (ConversationID?, String) = switch payload {
        case .conversation(let value, _): (value.id, value.id.rawValue)
        case .message(let value): (value.conversationID, value.id.rawValue)
        case .contact(let value): (nil, value.id.rawValue)
        }
        try db.cachedStatement(sql: """
            INSERT INTO events (workspace_id, kind, inbox_id, conversation_id, subject_id, occurred_at, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [workspace.rawValue, kind.rawValue, inbox?.rawValue, conversation?.rawValue,
                                     subject, time, try JSONColumn.encode(payload)])
        // Built from the values at hand rather than read back: decoding the payload again is a
        // measurable share of ingest time.
        return DomainEvent(sequence: db.lastInsertedRowID, workspaceID: workspace, kind: kind, inboxID: inbox,
                           conversationID: conversation, subjectID: subject, occurredAt: Timestamp.date(time),
                           payload: payload)
    }
}
