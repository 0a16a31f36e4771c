import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import SwitchboardCore
import SwitchboardServices

/// The agents' realtime socket: `GET /api/v1/realtime?token=...&after=<event id>`.
///
/// Logged events go out in log order with no gaps: an event from the bus is sent as it is only when it
/// directly follows the last one sent; otherwise the connection reads the event log from there. So a
/// reconnecting client that passes the last id it saw as `after` misses nothing, and a slow client
/// whose wake-ups were dropped still gets every event. Typing and presence are live signals: they are
/// sent as they happen, carry the id of the last logged event sent before them, and are not replayed.
struct RealtimeController {
    let auth: AuthService
    let realtime: RealtimeService
    let conversations: ConversationService
    /// A quiet socket is pinged after this long, and closed after as long again without an answer.
    let keepAlive: Duration
    /// Frames of recent events, encoded once for all of this router's sockets.
    let frames = EventFrameCache()

    /// How long an agent's inbox membership is trusted before it is read again.
    static let scopeLifetime: Duration = .seconds(10)

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .add(middleware: Admission(controller: self))
            .ws("realtime", onUpgrade: handle)
    }

    /// Runs before the upgrade is answered: refuses it with a JSON 401/400, and fixes where the stream
    /// starts, so every event committed after the client sees the upgrade reaches it.
    struct Admission: RouterMiddleware {
        let controller: RealtimeController

        func handle(_ request: Request, context: AppRequestContext,
                    next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
            var context = context
            let agent = try await controller.agent(of: request)
            context.agent = agent
            context.eventCursor = try await controller.realtime.startingPoint(for: agent, after: try controller.after(in: request))
            return try await next(request, context)
        }
    }

    /// What the writer task is woken by.
    private enum Wake: Sendable {
        case committed(DomainEvent)
        case signal(LiveSignal)
        case reply(String)
    }

    @Sendable func handle(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                          context: WebSocketRouterContext<AppRequestContext>) async throws {
        guard let agent = context.requestContext.agent, let start = context.requestContext.eventCursor else { return }
        let channel = context.requestContext.channel
        try await WebSocketKeepAlive.install(on: channel, interval: keepAlive)
        // Frames go straight to the channel, a burst per flush; the library's writer only where there is
        // no channel to write to.
        let frames = channel.map(AgentFrameWriter.init(channel:))
        let send: @Sendable (String) async throws -> Void = { text in
            if let frames { try await frames.write(text) } else { try await outbound.write(.text(text)) }
        }
        try await SocketShutdown.closingAfterGrace(channel) {
            try await stream(to: agent, from: start, inbound: inbound, send: send)
        }
    }

    private func stream(to agent: Agent, from start: Int64, inbound: WebSocketInboundStream,
                        send: @escaping @Sendable (String) async throws -> Void) async throws {
        // Subscribing after the start point was fixed is safe: each wake-up makes us read the log
        // from the cursor, and the first read below covers anything committed in between.
        let wakeUps = realtime.wakeUps()
        let signals = realtime.liveSignals()
        // A dropped wake-up costs a log read, never an event: the newest is always kept, and a gap
        // before it sends the writer to the log.
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1024))
        realtime.presence.connected(agent)
        defer { realtime.presence.disconnected(agent) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 14) {
                    guard case .text(let text) = message else { continue }
                    if let reply = await receive(text, from: agent) { wake.yield(.reply(reply)) }
                }
            }
            group.addTask {
                for await event in wakeUps where event.workspaceID == agent.workspaceID { wake.yield(.committed(event)) }
            }
            group.addTask {
                for await signal in signals where signal.workspaceID == agent.workspaceID { wake.yield(.signal(signal)) }
            }
            group.addTask {
                var writer = Writer(controller: self, agent: agent, send: send, cursor: start)
                try await writer.sendCommitted()
                for await item in wakes {
                    switch item {
                    case .committed(let event): try await writer.deliver(event)
                    case .signal(let signal): try await writer.send(signal)
                    case .reply(let text): try await send(text)
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Writes the log from its cursor and the signals the agent may see.
    private struct Writer {
        let controller: RealtimeController
        let agent: Agent
        let send: @Sendable (String) async throws -> Void
        var cursor: Int64
        var scope: InboxScope?
        var scopeRead = ContinuousClock.now

        init(controller: RealtimeController, agent: Agent, send: @escaping @Sendable (String) async throws -> Void,
             cursor: Int64) {
            self.controller = controller
            self.agent = agent
            self.send = send
            self.cursor = cursor
        }

        /// The agent's inboxes, read again when older than ``RealtimeController/scopeLifetime``.
        mutating func currentScope() async throws -> InboxScope {
            if let scope, ContinuousClock.now - scopeRead < RealtimeController.scopeLifetime { return scope }
            let fresh = try await controller.realtime.scope(for: agent)
            scope = fresh
            scopeRead = .now
            return fresh
        }

        /// Sends a committed event straight from the bus when it is the log's next one after the cursor
        /// (no event, of any workspace, lies between), else reads the log from the cursor: the bus may
        /// deliver out of order or drop under load, the log never does.
        mutating func deliver(_ event: DomainEvent) async throws {
            guard event.sequence > cursor else { return }
            guard event.sequence == cursor + 1 else { return try await sendCommitted() }
            if try await currentScope().allows(event.inboxID) {
                try await send(try controller.frames.text(for: event))
            }
            cursor = event.sequence
        }

        mutating func sendCommitted() async throws {
            while true {
                let batch = try await controller.realtime.events(for: agent, in: try await currentScope(), after: cursor)
                for event in batch.events {
                    try await send(try controller.frames.text(for: event))
                }
                cursor = batch.cursor
                if !batch.isFull { return }
            }
        }

        mutating func send(_ signal: LiveSignal) async throws {
            if case .typing(let typing) = signal {
                // Agents do not need their own keystrokes echoed back.
                guard typing.actor != .agent(agent.id), try await currentScope().allows(typing.inboxID) else { return }
            }
            try await send(try RealtimeFrame(signal, after: cursor).text())
        }
    }

    /// Acts on a frame from the agent's screen; returns an error frame to send back, if any.
    private func receive(_ text: String, from agent: Agent) async -> String? {
        guard let frame = try? JSONDecoder().decode(AgentInbound.self, from: Data(text.utf8)) else {
            return RealtimeFrame.error("malformed_frame", "Frames are JSON objects with a type.")
        }
        switch frame.type {
        case "typing":
            guard let id = frame.conversationID else {
                return RealtimeFrame.error("validation_failed", "typing needs conversation_id.")
            }
            do {
                try await conversations.typing(frame.typing ?? true, in: ConversationID(id), by: agent)
            } catch {
                return RealtimeFrame.error("not_found", "No such conversation.")
            }
        case "presence":
            guard let status = frame.status.flatMap(PresenceStatus.init(rawValue:)), status != .offline else {
                return RealtimeFrame.error("validation_failed", "presence status must be online or away.")
            }
            realtime.presence.set(status, for: agent)
        default:
            return RealtimeFrame.error("malformed_frame", "Unknown frame type; use typing or presence.")
        }
        return nil
    }

    func agent(of request: Request) async throws -> Agent {
        guard let token = request.queryString("token") else {
            throw APIError.unauthenticated("Pass the agent token as ?token=.")
        }
        return try await auth.authenticate(token: token)
    }

    func after(in request: Request) throws -> Int64? {
        guard let raw = request.queryString("after") else { return nil }
        guard let value = Int64(raw), value >= 0 else {
            throw APIError.invalidQuery("after must be an event id (a whole number) from an earlier frame.")
        }
        return value
    }
}

extension RealtimeController {
    /// The controller over the API's services (the router's routes and the first-request check share it).
    init(deps: APIDependencies) {
        self.init(auth: deps.auth, realtime: deps.realtime, conversations: deps.conversations, keepAlive: deps.socketKeepAlive)
    }
}

/// A frame an agent's screen sends: `{"type": "typing", "conversation_id", "typing"}` or
/// `{"type": "presence", "status": "online" | "away"}`.
struct AgentInbound: Decodable {
    let type: String
    let conversationID: String?
    let typing: Bool?
    let status: String?

    enum CodingKeys: String, CodingKey {
        case type, typing, status
        case conversationID = "conversation_id"
    }
}
