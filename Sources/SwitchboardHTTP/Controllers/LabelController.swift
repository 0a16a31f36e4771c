import Hummingbird
import SwitchboardCore
import SwitchboardServices

/// The label catalogue: listed by any agent, edited by admins.
struct LabelController {
    let labels: LabelService

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("labels", use: list)
            .post("labels", use: create)
            .delete("labels/:id", use: delete)
    }

    func list(request: Request, context: AppRequestContext) async throws -> ListResponse<LabelResponse> {
        let all = try await labels.labels(for: try context.requireAgent())
        return ListResponse(items: all.map(LabelResponse.init), nextCursor: nil)
    }

    func create(request: Request, context: AppRequestContext) async throws -> EditedResponse<LabelResponse> {
        let actor = try context.requireAgent()
        // Refused before the body is read, so a non-admin learns nothing from validation errors.
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can change labels.") }
        let body = try await request.decodeJSON(CreateLabelRequest.self, context: context)
        let created = try await labels.create(by: actor, name: body.name, color: body.color, description: body.description)
        return EditedResponse(status: .created, response: LabelResponse(created))
    }

    func delete(request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await labels.delete(LabelID(try context.parameters.require("id")), by: try context.requireAgent())
        return .noContent
    }
}
