import Foundation
import SwitchboardCore
import SwitchboardStore

/// Which public replies a delivery worker sends to the customer, and the job that does it. The
/// channel adapters (SwitchboardChannels) run the job; web chat pushes replies to the visitor's
/// socket itself and needs none.
public enum OutboundDelivery {
    public static let jobKind = "message.deliver"
    /// 2, 4, 8, 16, 32 s apart (JobWorker's backoff): about a minute of trying before a reply shows
    /// as failed, for an agent to retry.
    public static let maxAttempts = 6

    /// Whether replies in this inbox are delivered by a job: an `api` inbox with a `callback_url`.
    public static func delivers(from inbox: Inbox) -> Bool {
        inbox.channel == .api && inbox.settings["callback_url"]?.stringValue != nil
    }

    /// How long after it is queued a delivery job is first due. The job is queued just before its reply
    /// is stored; a worker that claimed it in between would find no reply and wait out a backoff.
    public static let storeGrace: TimeInterval = 0.25

    /// The job for one reply; keyed by conversation, so a conversation's replies go out in order.
    public static func job(for message: MessageID, in conversation: Conversation, now: Date = Date()) -> NewJob {
        NewJob(workspaceID: conversation.workspaceID, kind: jobKind, payload: #"{"message_id":"\#(message.rawValue)"}"#,
               orderingKey: "conversation:\(conversation.id.rawValue)", runAt: now.addingTimeInterval(storeGrace),
               maxAttempts: maxAttempts)
    }

    /// The message a job is about.
    public static func messageID(in job: Job) throws -> MessageID {
        struct Payload: Decodable { let message_id: String }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8)) else {
            throw PermanentJobFailure("payload has no message_id")
        }
        return MessageID(payload.message_id)
    }
}
