import Foundation
import Logging
import NIOCore
import SwitchboardCore
import SwitchboardServices

/// What a visitor's socket says and does: the hello with the current conversation, the visitor's
/// frames acted on, the hub's items turned into frames. The socket itself (the channel, the order of
/// frames, closing) is ``VisitorChannelHandler``'s.
struct VisitorSocket: Sendable {
    let widget: WidgetService
    let logger: Logger

    /// The hello frame: the visitor's current conversation and its latest public messages. Also
    /// returns that conversation.
    func hello(_ session: VisitorSession) async throws -> (frame: String, conversation: ConversationID?) {
        let history = try await widget.history(of: session)
        var messages: [VisitorMessage] = []
        for message in history.messages { messages.append(await visitorMessage(message, session)) }
        let frame = VisitorFrame.hello(
            contactID: session.contactID.rawValue, conversationID: history.conversation?.rawValue, messages: messages,
            agentsOnline: widget.agentsOnline(session)).text()
        return (frame, history.conversation)
    }

    /// Acts on one visitor frame; returns the conversation a new message landed in.
    func handle(_ text: String, session: VisitorSession, conversation: ConversationID?, address: String?,
                        connection: VisitorHub.Connection) async -> ConversationID? {
        guard let frame = VisitorInbound.decode(text) else {
            connection.send(.refused(code: "malformed_frame", message: "Frames are JSON objects with a type.", clientID: nil))
            return nil
        }
        switch frame.type {
        case "message":
            guard let clientID = frame.clientID, frame.content != nil || frame.attachmentIDs?.isEmpty == false else {
                connection.send(.refused(code: "validation_failed", message: "A message needs content and client_id.",
                                         clientID: frame.clientID))
                return nil
            }
            do {
                let message = try await widget.send(frame.content ?? "", attachments: (frame.attachmentIDs ?? []).map { AttachmentID($0) },
                                                    clientID: clientID, from: session, address: address, via: connection)
                await connection.sendNow(.acknowledged(clientID: clientID, message: message))
                return message.conversationID
            } catch {
                let refused = ErrorMiddleware.apiError(for: error, logger: logger)
                connection.send(.refused(code: refused.code, message: refused.message, clientID: clientID))
            }
        case "typing":
            widget.typing(frame.typing ?? true, in: conversation, from: session)
        case "read":
            // Only the socket's own conversation: the visitor cannot name another.
            guard let conversation else { return nil }
            do {
                try await widget.read(conversation, from: session)
            } catch {
                let refused = ErrorMiddleware.apiError(for: error, logger: logger)
                connection.send(.refused(code: refused.code, message: refused.message, clientID: nil))
            }
        default:
            connection.send(.refused(code: "malformed_frame", message: "Unknown frame type; use message, typing or read.", clientID: nil))
        }
        return nil
    }

    func frame(for item: VisitorFeed, _ session: VisitorSession) async -> VisitorFrame {
        switch item {
        case .message(let message): .message(await visitorMessage(message, session))
        case .acknowledged(let clientID, let message):
            .ack(clientID: clientID, messageID: message.id.rawValue, conversationID: message.conversationID.rawValue,
                 createdAt: message.createdAt)
        case .typing(let typing): .typing(typing)
        case .presence(let online): .presence(agentsOnline: online)
        case .refused(let code, let message, let clientID): .error(code: code, message: message, clientID: clientID)
        }
    }

    private func visitorMessage(_ message: Message, _ session: VisitorSession) async -> VisitorMessage {
        VisitorMessage(message, senderName: await widget.senderName(of: message, in: session.workspaceID),
                       clientID: WidgetService.clientID(of: message, in: session))
    }
}
