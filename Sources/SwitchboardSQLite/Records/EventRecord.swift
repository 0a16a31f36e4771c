import GRDB
import SwitchboardCore

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

    var event: DomainEvent? {
        guard let sequence, let kind = DomainEvent.Kind(rawValue: kind) else { return nil }
        return DomainEvent(sequence: sequence, workspaceID: WorkspaceID(workspaceId), kind: kind,
                           inboxID: inboxId.map { InboxID($0) }, conversationID: conversationId.map { ConversationID($0) },
                           subjectID: subjectId, occurredAt: Timestamp.date(occurredAt))
    }

    /// Appends one event and returns it with its sequence number.
    static func append(_ kind: DomainEvent.Kind, workspace: WorkspaceID, inbox: InboxID?,
                       conversation: ConversationID?, subject: String, at time: Int64, in db: Database) throws -> DomainEvent {
        var record = EventRecord(sequence: nil, workspaceId: workspace.rawValue, kind: kind.rawValue,
                                 inboxId: inbox?.rawValue, conversationId: conversation?.rawValue,
                                 subjectId: subject, occurredAt: time)
        try record.insert(db)
        record.sequence = db.lastInsertedRowID
        return record.event!
    }
}
