import PostgresNIO
import SwitchboardCore
import SwitchboardStore

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
        var placeholders = Placeholders()
        var binds = PostgresBindings()
        let events = try bindAppend(pending, workspace: workspace, into: &binds)
        try await session.run(PostgresQuery(unsafeSQL: appendSQL(&placeholders), binds: binds))
        return events
    }

    /// The `INSERT` of any number of events, in order: each column's values are bound as one array
    /// (``bindAppend(_:workspace:into:)``), so the text is the same for one event or many and can be
    /// prepared once. An absent id or payload travels as '' and is stored as NULL.
    static func appendSQL(_ placeholders: inout Placeholders) -> String {
        let p = placeholders.take(8)
        return """
            INSERT INTO events (workspace_id, kind, inbox_id, conversation_id, contact_id, subject_id, occurred_at, payload)
            SELECT \(p[0]), e.kind, NULLIF(e.inbox_id, ''), NULLIF(e.conversation_id, ''), NULLIF(e.contact_id, ''), e.subject_id,
                   e.occurred_at, NULLIF(e.payload, '')
            FROM unnest(\(p[1])::text[], \(p[2])::text[], \(p[3])::text[], \(p[4])::text[], \(p[5])::text[], \(p[6])::bigint[],
                        \(p[7])::text[])
                 WITH ORDINALITY AS e(kind, inbox_id, conversation_id, contact_id, subject_id, occurred_at, payload, n)
            ORDER BY e.n
            """
    }

    /// Binds the values of ``appendSQL(_:)`` and returns the events (with `sequence` 0).
    static func bindAppend(_ pending: [PendingEvent], workspace: WorkspaceID,
                           into binds: inout PostgresBindings) throws -> [DomainEvent] {
        let events = pending.map { $0.event(in: workspace) }
        binds.append(workspace.rawValue)
        binds.append(events.map(\.kind.rawValue))
        binds.append(events.map { $0.inboxID?.rawValue ?? "" })
        binds.append(events.map { $0.conversationID?.rawValue ?? "" })
        binds.append(events.map { $0.contactID?.rawValue ?? "" })
        binds.append(events.map(\.subjectID))
        binds.append(events.map { Timestamp.milliseconds($0.occurredAt) })
        binds.append(try events.map { try $0.payload?.storedJSON() ?? "" })
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
