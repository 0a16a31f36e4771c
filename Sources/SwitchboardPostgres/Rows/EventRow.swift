import PostgresNIO
import SwitchboardCore

/// An event a write is about to append to the log.
struct PendingEvent {
    let kind: DomainEvent.Kind
    let payload: EventPayload
    let inbox: InboxID?
    /// The contact of a message event (the payload names only the message's sender).
    let messageContact: ContactID?
    let time: Int64

    init(_ kind: DomainEvent.Kind, _ payload: EventPayload, inbox: InboxID?, messageContact: ContactID? = nil, at time: Int64) {
        self.kind = kind
        self.payload = payload
        self.inbox = inbox
        self.messageContact = messageContact
        self.time = time
    }

    /// The event as the write returns it: without a position, which the log assigns after commit.
    func event(in workspace: WorkspaceID) -> DomainEvent {
        DomainEvent(sequence: 0, workspaceID: workspace, kind: kind, inboxID: inbox, conversationID: subject.conversation,
                    contactID: subject.contact, subjectID: subject.id, occurredAt: Timestamp.date(time), payload: payload)
    }

    /// Which conversation, contact and thing the event concerns, from its payload.
    private var subject: (conversation: ConversationID?, contact: ContactID?, id: String) {
        switch payload {
        case .conversation(let value, _): (value.id, value.contactID, value.id.rawValue)
        case .message(let value): (value.conversationID, messageContact, value.id.rawValue)
        case .contact(let value): (nil, value.id, value.id.rawValue)
        }
    }
}

/// Appending to and reading the `events` log.
enum EventRow {
    static let columns = "position, workspace_id, kind, inbox_id, conversation_id, contact_id, subject_id, occurred_at, payload"

    /// Appends `pending` in one statement and returns the events (with `sequence` 0).
    static func append(_ pending: [PendingEvent], workspace: WorkspaceID, in session: Session) async throws -> [DomainEvent] {
        guard !pending.isEmpty else { return [] }
        var statement = StatementBuilder()
        let events = try append(pending, workspace: workspace, into: &statement)
        try await session.run(statement.query)
        return events
    }

    /// Appends the `INSERT` of `pending` (not empty) and returns the events (with `sequence` 0).
    static func append(_ pending: [PendingEvent], workspace: WorkspaceID,
                       into s: inout StatementBuilder) throws -> [DomainEvent] {
        let events = pending.map { $0.event(in: workspace) }
        var rows: [String] = []
        for event in events {
            let values = [
                try s.bind(workspace.rawValue), try s.bind(event.kind.rawValue), try s.bind(event.inboxID?.rawValue),
                try s.bind(event.conversationID?.rawValue), try s.bind(event.contactID?.rawValue), try s.bind(event.subjectID),
                try s.bind(Timestamp.milliseconds(event.occurredAt)), try s.bind(try event.payload.map(JSONColumn.encode)),
            ]
            rows.append("(\(values.joined(separator: ", ")))")
        }
        s.append("""
            INSERT INTO events (workspace_id, kind, inbox_id, conversation_id, contact_id, subject_id, occurred_at, payload)
            VALUES \(rows.joined(separator: ", "))
            """)
        return events
    }

    /// An event read from the log, its position as `sequence`; nil for a kind this build does not know.
    static func event(_ row: Columns) throws -> DomainEvent? {
        guard let kind = DomainEvent.Kind(rawValue: try row("kind")) else { return nil }
        return DomainEvent(
            sequence: try row("position"), workspaceID: WorkspaceID(try row("workspace_id")), kind: kind,
            inboxID: try row("inbox_id", as: String?.self).map { InboxID($0) },
            conversationID: try row("conversation_id", as: String?.self).map { ConversationID($0) },
            contactID: try row("contact_id", as: String?.self).map { ContactID($0) }, subjectID: try row("subject_id"),
            occurredAt: Timestamp.date(try row("occurred_at", as: Int64.self)),
            payload: try row("payload", as: String?.self).flatMap { try? JSONColumn.decode(EventPayload.self, from: $0) })
    }
}
