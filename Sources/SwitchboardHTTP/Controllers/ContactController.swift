import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStore

/// Contacts and search.
struct ContactController {
    let conversations: ConversationService

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("contacts", use: list)
            .get("contacts/:id", use: show)
            .post("contacts/:id/merge", use: merge)
            .get("search", use: search)
    }

    func list(request: Request, context: AppRequestContext) async throws -> ListResponse<ContactResponse> {
        let actor = try context.requireAgent()
        let page = try await conversations.contacts(for: actor, matching: request.queryString("q"), page: try request.pageRequest())
        return ListResponse(items: page.items.map { ContactResponse($0) }, nextCursor: page.nextCursor)
    }

    func show(request: Request, context: AppRequestContext) async throws -> ContactResponse {
        let id = ContactID(try context.parameters.require("id"))
        return ContactResponse(try await conversations.contact(id, for: try context.requireAgent()))
    }

    func merge(request: Request, context: AppRequestContext) async throws -> ContactResponse {
        let actor = try context.requireAgent()
        let survivor = ContactID(try context.parameters.require("id"))
        let body = try await request.decodeJSON(MergeContactRequest.self, context: context)
        return ContactResponse(try await conversations.merge(ContactID(body.otherContactID), into: survivor, by: actor))
    }

    func search(request: Request, context: AppRequestContext) async throws -> SearchResponse {
        let actor = try context.requireAgent()
        guard let text = request.queryString("q") else { throw APIError.invalidQuery("q is required.") }
        let limit = try request.pageRequest().limit
        return SearchResponse(try await conversations.search(text, for: actor, limit: limit))
    }
}
