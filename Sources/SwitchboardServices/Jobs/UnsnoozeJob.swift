import Foundation
import Logging
import SwitchboardCore
import SwitchboardStore

/// Wakes a snoozed conversation when its time comes: the first scheduled work on the job queue.
public struct UnsnoozeJob: JobHandler {
    public static let kind = "conversation.unsnooze"
    public var kind: String { Self.kind }

    private let storage: any Storage
    private let events: any EventBus
    private let now: @Sendable () -> Date

    public init(storage: any Storage, events: any EventBus, now: @escaping @Sendable () -> Date = { Date() }) {
        self.storage = storage
        self.events = events
        self.now = now
    }

    /// The job for a conversation just snoozed; keyed by conversation so its jobs run in order.
    static func job(for conversation: Conversation) -> NewJob? {
        guard conversation.status == .snoozed, let until = conversation.snoozedUntil else { return nil }
        let payload = #"{"conversation_id":"\#(conversation.id.rawValue)"}"#
        return NewJob(workspaceID: conversation.workspaceID, kind: kind, payload: payload,
                      orderingKey: "conversation:\(conversation.id.rawValue)", runAt: until)
    }

    public func run(_ job: Job) async throws {
        struct Payload: Decodable { let conversation_id: String }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8)) else {
            throw PermanentJobFailure("payload has no conversation_id")
        }
        let store = storage.workspace(job.workspaceID)
        guard let current = try await store.conversation(ConversationID(payload.conversation_id))?.conversation else { return }
        // Snoozed again for later, or woken already by the customer or an agent: nothing to do.
        guard current.status == .snoozed, let until = current.snoozedUntil, until <= now() else { return }
        events.publish(try await store.updateConversation(current.id, ConversationChange(status: .open)).events)
    }
}
