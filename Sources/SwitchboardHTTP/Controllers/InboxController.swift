import HTTPTypes
import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStore

/// Inboxes, and the generic inbound endpoint of `api` inboxes.
struct InboxController {
    let inboxes: InboxService
    let ingest: IngestService
    let attachments: AttachmentService

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("inboxes", use: list)
            .post("inboxes", use: create)
            .get("inboxes/:inbox_id/members", use: members)
            .put("inboxes/:inbox_id/members", use: setMembers)
    }

    /// Authenticated by the inbox token, not an agent token.
    var inboundEndpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("inboxes/:inbox_id/incoming", use: incoming)
            .get("inboxes/:inbox_id/attachments/:attachment_id", use: attachment)
    }

    func list(request: Request, context: AppRequestContext) async throws -> ListResponse<InboxResponse> {
        let all = try await inboxes.inboxes(for: try context.requireAgent())
        return ListResponse(items: all.map { InboxResponse($0, service: inboxes) }, nextCursor: nil)
    }

    func create(request: Request, context: AppRequestContext) async throws -> EditedResponse<InboxResponse> {
        let actor = try context.requireAgent()
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can create inboxes.") }
        let body = try await request.decodeJSON(CreateInboxRequest.self, context: context)
        let created = try await inboxes.create(by: actor, name: body.name, channel: body.channel, settings: body.settings ?? [:])
        return EditedResponse(status: .created, response: InboxResponse(created: created, service: inboxes))
    }

    func members(request: Request, context: AppRequestContext) async throws -> InboxMembersResponse {
        let inboxID = InboxID(try context.parameters.require("inbox_id"))
        let ids = try await inboxes.members(of: inboxID, for: try context.requireAgent())
        return InboxMembersResponse(agentIDs: ids.map(\.rawValue))
    }

    func setMembers(request: Request, context: AppRequestContext) async throws -> InboxMembersResponse {
        let actor = try context.requireAgent()
        let inboxID = InboxID(try context.parameters.require("inbox_id"))
        let body = try await request.decodeJSON(InboxMembersRequest.self, context: context)
        let ids = try await inboxes.setMembers(of: inboxID, to: body.agentIDs.map { AgentID($0) }, by: actor)
        return InboxMembersResponse(agentIDs: ids.map(\.rawValue))
    }

    /// 201 for a new message, 200 with the same ids for a redelivery. Answered only after commit.
    func incoming(request: Request, context: AppRequestContext) async throws -> EditedResponse<IncomingResponse> {
        let inboxID = InboxID(try context.parameters.require("inbox_id"))
        let token = try Self.inboxToken(request)
        let body = try await request.decodeJSON(IncomingRequest.self, context: context)
        let message = IncomingMessage(
            inboxID: inboxID, externalID: body.externalID,
            contact: ContactDraft(externalID: body.contact.externalID, name: body.contact.name, email: body.contact.email,
                                  phone: body.contact.phone),
            content: body.content, sentAt: body.sentAt)
        let result = try await ingest.receive(message, inboundToken: token)
        return EditedResponse(
            status: result.isDuplicate ? .ok : .created,
            response: IncomingResponse(conversationID: result.conversation.id.rawValue,
                                       messageID: result.message.id.rawValue, contactID: result.contact.id.rawValue))
    }

    /// A file of a public message in the inbox's conversations, for its integration: the `url` of each
    /// attachment in a reply's callback.
    func attachment(request: Request, context: AppRequestContext) async throws -> Response {
        let inboxID = InboxID(try context.parameters.require("inbox_id"))
        let id = AttachmentID(try context.parameters.require("attachment_id"))
        let workspace = try await ingest.authenticate(inboxID, inboundToken: try Self.inboxToken(request))
        return AttachmentUpload.response(for: try await attachments.open(id, publicIn: inboxID, of: workspace))
    }

    private static func inboxToken(_ request: Request) throws -> String {
        guard let token = request.headers[HTTPField.Name("X-Inbox-Token")!], !token.isEmpty else {
            throw APIError.unauthenticated("Send the inbox's token in X-Inbox-Token.")
        }
        return token
    }
}
