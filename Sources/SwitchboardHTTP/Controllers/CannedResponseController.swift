import Hummingbird
import SwitchboardCore
import SwitchboardServices

/// Saved replies: listed by any agent, edited by admins.
struct CannedResponseController {
    let cannedResponses: CannedResponseService

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("canned_responses", use: list)
            .post("canned_responses", use: create)
            .patch("canned_responses/:id", use: update)
            .delete("canned_responses/:id", use: delete)
    }

    func list(request: Request, context: AppRequestContext) async throws -> ListResponse<CannedResponseResponse> {
        let found = try await cannedResponses.cannedResponses(for: try context.requireAgent(), matching: request.queryString("q"))
        return ListResponse(items: found.map(CannedResponseResponse.init), nextCursor: nil)
    }

    func create(request: Request, context: AppRequestContext) async throws -> EditedResponse<CannedResponseResponse> {
        let actor = try context.requireAgent()
        // Refused before the body is read, so a non-admin learns nothing from validation errors.
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can change canned responses.") }
        let body = try await request.decodeJSON(CreateCannedResponseRequest.self, context: context)
        let created = try await cannedResponses.create(by: actor, shortCode: body.shortCode, content: body.content)
        return EditedResponse(status: .created, response: CannedResponseResponse(created))
    }

    func update(request: Request, context: AppRequestContext) async throws -> CannedResponseResponse {
        let actor = try context.requireAgent()
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can change canned responses.") }
        let body = try await request.decodeJSON(UpdateCannedResponseRequest.self, context: context)
        return CannedResponseResponse(try await cannedResponses.update(
            try id(context), by: actor, shortCode: body.shortCode, content: body.content))
    }

    func delete(request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await cannedResponses.delete(try id(context), by: try context.requireAgent())
        return .noContent
    }

    private func id(_ context: AppRequestContext) throws -> CannedResponseID {
        CannedResponseID(try context.parameters.require("id"))
    }
}
