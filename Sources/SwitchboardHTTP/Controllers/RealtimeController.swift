import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import SwitchboardCore
import SwitchboardServices

/// The agents' realtime socket: `GET /api/v1/realtime?token=...&after=<event id>`.
///
/// Frames come from the event log in sequence order; the event bus only wakes the connection up.
/// So a reconnecting client that passes the last id it saw as `after` misses nothing, and a slow
/// client that loses wake-ups still gets every event.
struct RealtimeController {
    let auth: AuthService
    let realtime: RealtimeService

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

    @Sendable func handle(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                          context: WebSocketRouterContext<AppRequestContext>) async throws {
        guard let agent = context.requestContext.agent, let start = context.requestContext.eventCursor else { return }
        // Subscribing after the start point was fixed is safe: each wake-up makes us read the log
        // from the cursor, and the first read below covers anything committed in between.
        let wakeUps = realtime.wakeUps()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Agents send nothing yet; reading keeps pings answered and notices the close.
                for try await _ in inbound.messages(maxSize: 1 << 14) {}
            }
            group.addTask {
                var cursor = try await send(after: start, to: outbound, for: agent)
                for await event in wakeUps where event.workspaceID == agent.workspaceID && event.sequence > cursor {
                    cursor = try await send(after: cursor, to: outbound, for: agent)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Writes every event after `cursor` and returns the sequence of the last one written.
    private func send(after cursor: Int64, to outbound: WebSocketOutboundWriter, for agent: Agent) async throws -> Int64 {
        var cursor = cursor
        while true {
            let events = try await realtime.events(for: agent, after: cursor)
            for event in events {
                try await outbound.write(.text(try RealtimeFrame(event).text()))
                cursor = event.sequence
            }
            if events.count < RealtimeService.batchSize { return cursor }
        }
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
