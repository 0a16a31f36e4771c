import Hummingbird
import SwitchboardServices

/// First-run setup, before anyone can sign in: public, and useful only until the first admin exists.
struct SetupController {
    let auth: AuthService

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("setup", use: status)
            .post("setup", use: setUp)
    }

    func status(request: Request, context: AppRequestContext) async throws -> SetupStatusResponse {
        SetupStatusResponse(needsSetup: try await auth.needsSetup())
    }

    /// 201 with a login for the new admin; 409 once an admin exists.
    func setUp(request: Request, context: AppRequestContext) async throws -> EditedResponse<LoginResponse> {
        let body = try await request.decodeJSON(SetupRequest.self, context: context)
        let login = try await auth.setUp(email: body.email, name: body.name, password: body.password)
        return EditedResponse(status: .created, response: LoginResponse(token: login.token, agent: AgentResponse(login.agent)))
    }
}
