import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardServices
import SwitchboardStore

/// Delivers one public reply on its conversation's channel (``OutboundDelivery``): today an `api`
/// inbox's callback. The reply is `sent` once the integration answers 2xx; a refusal (4xx other than
/// 408/429) fails it at once, anything else is retried with backoff until the job's last attempt,
/// which fails it. A failed reply is kept for agents to see and retry.
public struct MessageDeliveryJob: JobHandler {
    public var kind: String { OutboundDelivery.jobKind }

    private let storage: any Storage
    private let events: any EventBus
    private let http: OutboundHTTPClient
    private let timeout: TimeAmount
    private let publicURL: String
    private let logger: Logger

    /// - Parameter publicURL: this server's address, for the attachments' download URLs in a callback.
    public init(storage: any Storage, events: any EventBus, http: OutboundHTTPClient, timeout: TimeAmount = .seconds(10),
                publicURL: String, logger: Logger) {
        self.storage = storage
        self.events = events
        self.http = http
        self.publicURL = publicURL
        self.timeout = timeout
        self.logger = logger
    }

    public func run(_ job: Job) async throws {
        let id = try OutboundDelivery.messageID(in: job)
        let store = storage.workspace(job.workspaceID)
        let isLastAttempt = job.attempts >= job.maxAttempts
        // The job is queued before its reply is stored: wait for the reply, give up on the last attempt.
        guard let message = try await store.message(id) else {
            if isLastAttempt { throw PermanentJobFailure("message \(id) was never stored") }
            throw DeliveryFailure.notStoredYet
        }
        // Sent already (a retry's job found it delivered by an earlier one) or read: nothing to do.
        guard message.status == .queued || message.status == .failed else { return }
        do {
            try await deliver(message, in: store)
            try await settle(id, as: .sent, in: store)
        } catch let failure as PermanentJobFailure {
            try await settle(id, as: .failed, in: store)
            throw failure
        } catch {
            guard isLastAttempt else { throw error }
            try await settle(id, as: .failed, in: store)
            throw PermanentJobFailure("\(error) (attempt \(job.attempts) of \(job.maxAttempts))")
        }
    }

    private func deliver(_ message: Message, in store: any WorkspaceStorage) async throws {
        guard let conversation = try await store.conversation(message.conversationID)?.conversation,
              let inbox = try await store.inbox(conversation.inboxID),
              let contact = try await store.contactProfile(conversation.contactID)?.contact
        else { throw PermanentJobFailure("the conversation of message \(message.id) is gone") }
        guard let callback = try APICallback(message: message, conversation: conversation, contact: contact, inbox: inbox,
                                             publicURL: publicURL)
        else { throw PermanentJobFailure("\(inbox.channel.rawValue) inbox \(inbox.id) delivers no replies") }

        var request = HTTPClientRequest(url: callback.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Switchboard")
        request.headers.add(name: APICallback.signatureHeader, value: callback.signature)
        request.headers.add(name: APICallback.deliveryHeader, value: callback.messageID.rawValue)
        request.body = .bytes(ByteBuffer(bytes: callback.body))
        let response: HTTPClientResponse
        do {
            response = try await http.client.execute(request, timeout: timeout, logger: logger)
            _ = try? await response.body.collect(upTo: 64 * 1024)  // read, so the connection can be reused
        } catch {
            throw DeliveryFailure.unreachable("\(error)")
        }
        let status = response.status.code
        if (200..<300).contains(status) { return }
        if (400..<500).contains(status), status != 408, status != 429 {
            throw PermanentJobFailure("the callback refused the reply: HTTP \(status)")
        }
        throw DeliveryFailure.rejected(status: Int(status))
    }

    /// Records the outcome and announces it. A reply whose status moved on meanwhile keeps it.
    private func settle(_ id: MessageID, as status: DeliveryStatus, in store: any WorkspaceStorage) async throws {
        guard let written = try await store.setDeliveryStatus(of: id, to: status, ifNow: [.queued, .failed]) else { return }
        events.publish(written.events)
    }
}

/// Why an attempt failed in a way a later attempt may not.
enum DeliveryFailure: Error, CustomStringConvertible {
    case notStoredYet
    case unreachable(String)
    case rejected(status: Int)

    var description: String {
        switch self {
        case .notStoredYet: "the reply is not stored yet"
        case .unreachable(let reason): "the callback could not be reached: \(reason)"
        case .rejected(let status): "the callback answered HTTP \(status)"
        }
    }
}
