import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SwitchboardCore
import SwitchboardServices
import Synchronization

/// One visitor's socket: a hello with the current conversation, then the visitor's frames in and
/// the hub's frames out.
///
/// Everything written goes through the connection's queue, so acknowledgements and pushed messages
/// leave in one order from one writer. A visitor's message is acknowledged only after it committed.
/// The socket's own task only reads; writing happens in a task that exists while there is something
/// to write, and the hello (a database read) is written from there too, so the long-lived task of an
/// idle socket stays small (see ``VisitorHub/Connection``).
struct VisitorSocket {
    let widget: WidgetService
    let keepAlive: Duration
    let logger: Logger

    @Sendable func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                       context: WebSocketRouterContext<AppRequestContext>) async throws {
        guard let session = context.requestContext.visitor else { return }
        let channel = context.requestContext.channel
        try await WebSocketKeepAlive.install(on: channel, interval: keepAlive)
        try await SocketShutdown.closingAfterGrace(channel) {
            try await serve(session, address: context.requestContext.remoteAddress, channel: channel, inbound: inbound,
                            outbound: outbound)
        }
    }

    private func serve(_ session: VisitorSession, address: String?, channel: (any Channel)?,
                       inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let conversation = Mutex<ConversationID?>(nil)
        // Registered before the history is read, so nothing committed in between is missed (the
        // widget drops a message it already has by id).
        let connection = widget.connect(session, sink: Sink(socket: self, session: session, outbound: outbound, channel: channel))
        defer { connection.finish() }
        connection.start { [widget] in
            do {
                let history = try await widget.history(of: session)
                if let current = history.conversation { conversation.withLock { $0 = $0 ?? current } }
                var messages: [VisitorMessage] = []
                for message in history.messages { messages.append(await visitorMessage(message, session)) }
                try await outbound.write(.text(VisitorFrame.hello(
                    contactID: session.contactID.rawValue, conversationID: history.conversation?.rawValue, messages: messages,
                    agentsOnline: widget.agentsOnline(session)).text()))
                return true
            } catch {
                logger.debug("visitor socket greeting failed", metadata: ["error": "\(error)"])
                return false
            }
        }
        // The visitor left (or sent what the socket refuses): returning closes the socket.
        for try await frame in inbound.messages(maxSize: widget.limits.maxFrameSize) {
            connection.touch()
            guard case .text(let text) = frame else {
                connection.send(.refused(code: "malformed_frame", message: "Send JSON text frames.", clientID: nil))
                continue
            }
            if let started = await handle(text, session: session, conversation: conversation.withLock { $0 }, address: address,
                                          connection: connection) {
                conversation.withLock { $0 = started }
            }
        }
    }

    /// Writes a connection's frames to the socket.
    private struct Sink: VisitorSink {
        let socket: VisitorSocket
        let session: VisitorSession
        let outbound: WebSocketOutboundWriter
        let channel: (any Channel)?

        func write(_ item: VisitorFeed) async -> Bool {
            do {
                try await outbound.write(.text(try await socket.frame(for: item, session).text()))
                return true
            } catch {
                return false
            }
        }

        /// Asks the visitor to close; a peer that does not answer is disconnected shortly after.
        func close() async {
            try? await outbound.close(.normalClosure, reason: nil)
            if let channel { channel.eventLoop.scheduleTask(in: SocketShutdown.grace) { channel.close(promise: nil) } }
        }
    }

    /// Acts on one visitor frame; returns the conversation a new message landed in.
    private func handle(_ text: String, session: VisitorSession, conversation: ConversationID?, address: String?,
                        connection: VisitorHub.Connection) async -> ConversationID? {
        guard let frame = try? JSONDecoder().decode(VisitorInbound.self, from: Data(text.utf8)) else {
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
                                                    clientID: clientID, from: session, address: address)
                connection.send(.acknowledged(clientID: clientID, message: message))
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

    fileprivate func frame(for item: VisitorFeed, _ session: VisitorSession) async -> VisitorFrame {
        switch item {
        case .message(let message): .message(await visitorMessage(message, session))
        case .acknowledged(let clientID, let message):
            .ack(clientID: clientID, messageID: message.id.rawValue, conversationID: message.conversationID.rawValue)
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
