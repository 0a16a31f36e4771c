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
            .ws("realtime", shouldUpgrade: shouldUpgrade, onUpgrade: handle)
    }

    /// Refuses the upgrade with a JSON 401/400 before any socket exists.
    @Sendable func shouldUpgrade(request: Request, context: AppRequestContext) async throws -> RouterShouldUpgrade {
        _ = try await agent(of: request)
        _ = try after(in: request)
        return .upgrade([:])
    }

    @Sendable func handle(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                          context: WebSocketRouterContext<AppRequestContext>) async throws {
        let agent = try await agent(of: context.request)
        let wakeUps = realtime.wakeUps()
        let start = try await realtime.startingPoint(for: agent, after: try after(in: context.request))
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

    private func agent(of request: Request) async throws -> Agent {
        guard let token = request.queryString("token") else {
            throw APIError.unauthenticated("Pass the agent token as ?token=.")
        }
        return try await auth.authenticate(token: token)
    }

    private func after(in request: Request) throws -> Int64? {
        guard let raw = request.queryString("after") else { return nil }
        guard let value = Int64(raw), value >= 0 else {
            throw APIError.invalidQuery("after must be an event id (a whole number) from an earlier frame.")
        }
        return value
    }
}
