import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStore

/// The conversation list, a conversation, its messages, replies and edits.
struct ConversationController {
    let conversations: ConversationService

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("conversations", use: list)
            .get("conversations/:id", use: show)
            .patch("conversations/:id", use: update)
            .post("conversations/:id/read", use: markRead)
            .get("conversations/:id/messages", use: messages)
            .post("conversations/:id/messages", use: reply)
            .post("conversations/:id/messages/:message_id/retry", use: retry)
    }

    func list(request: Request, context: AppRequestContext) async throws -> ListResponse<ConversationResponse> {
        let actor = try context.requireAgent()
        let page = try request.pageRequest()
        var query = ConversationQuery()
        query.status = try request.queryEnum("status", as: ConversationStatus.self)
        query.channel = try request.queryEnum("channel", as: ChannelKind.self)
        query.inboxID = request.queryString("inbox_id").map { InboxID($0) }
        query.teamID = request.queryString("team_id").map { TeamID($0) }
        query.label = request.queryString("label")
        query.text = request.queryString("q")
        if let assignee = request.queryString("assignee_id") {
            // "none" asks for unassigned conversations, "me" for the caller's own.
            query.assigneeID = switch assignee {
            case "none": .some(nil)
            case "me": .some(actor.id)
            default: .some(AgentID(assignee))
            }
        }
        let result = try await conversations.conversations(for: actor, matching: query, page: page)
        return ListResponse(items: result.items.map(ConversationResponse.init), nextCursor: result.nextCursor)
    }

    func show(request: Request, context: AppRequestContext) async throws -> ConversationResponse {
        ConversationResponse(try await conversations.conversation(try id(context), for: try context.requireAgent()))
    }

    func update(request: Request, context: AppRequestContext) async throws -> ConversationResponse {
        let actor = try context.requireAgent()
        let body = try await request.decodeJSON(UpdateConversationRequest.self, context: context)
        return ConversationResponse(try await conversations.update(try id(context), by: actor, body.change))
    }

    func markRead(request: Request, context: AppRequestContext) async throws -> ConversationResponse {
        ConversationResponse(try await conversations.markRead(try id(context), by: try context.requireAgent()))
    }

    func messages(request: Request, context: AppRequestContext) async throws -> ListResponse<MessageResponse> {
        let actor = try context.requireAgent()
        let page = try await conversations.messages(in: try id(context), for: actor, page: try request.pageRequest())
        return ListResponse(items: page.items.map(MessageResponse.init), nextCursor: page.nextCursor)
    }

    func reply(request: Request, context: AppRequestContext) async throws -> EditedResponse<MessageResponse> {
        let actor = try context.requireAgent()
        let body = try await request.decodeJSON(ReplyRequest.self, context: context)
        let message = try await conversations.reply(
            to: try id(context), by: actor, content: body.content ?? "", isPrivate: body.private ?? false,
            attachments: (body.attachments ?? []).map { AttachmentID($0) })
        return EditedResponse(status: .created, response: MessageResponse(message))
    }

    /// Sends a reply whose delivery failed once more: 200 with the reply, `queued` again.
    func retry(request: Request, context: AppRequestContext) async throws -> MessageResponse {
        let actor = try context.requireAgent()
        let message = MessageID(try context.parameters.require("message_id"))
        return MessageResponse(try await conversations.retryDelivery(of: message, in: try id(context), by: actor))
    }

    private func id(_ context: AppRequestContext) throws -> ConversationID {
        ConversationID(try context.parameters.require("id"))
    }
}
