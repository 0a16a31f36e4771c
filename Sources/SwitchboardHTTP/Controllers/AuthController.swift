import Hummingbird
import SwitchboardCore
import SwitchboardServices

/// Login, the current agent, agents and teams.
struct AuthController {
    let auth: AuthService

    /// Routes that need no token.
    var publicEndpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("auth/login", use: login)
    }

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("auth/logout", use: logout)
            .get("me", use: me)
            .get("agents", use: listAgents)
            .post("agents", use: createAgent)
            .patch("agents/:id", use: updateAgent)
            .get("teams", use: listTeams)
            .post("teams", use: createTeam)
    }

    func login(request: Request, context: AppRequestContext) async throws -> LoginResponse {
        let body = try await request.decodeJSON(LoginRequest.self, context: context)
        let login = try await auth.login(email: body.email, password: body.password)
        return LoginResponse(token: login.token, agent: AgentResponse(login.agent))
    }

    /// Revokes the token this request came with; the agent's other sessions stay signed in.
    func logout(request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let agent = try context.requireAgent()
        guard let token = request.bearerToken else { throw APIError.unauthenticated("Send Authorization: Bearer <token>.") }
        try await auth.logout(agent, token: token)
        return .noContent
    }

    func me(request: Request, context: AppRequestContext) async throws -> AgentResponse {
        AgentResponse(try context.requireAgent())
    }

    func listAgents(request: Request, context: AppRequestContext) async throws -> ListResponse<AgentResponse> {
        let agents = try await auth.agents(for: try context.requireAgent())
        return ListResponse(items: agents.map(AgentResponse.init), nextCursor: nil)
    }

    func createAgent(request: Request, context: AppRequestContext) async throws -> EditedResponse<AgentResponse> {
        let actor = try context.requireAgent()
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can create agents.") }
        let body = try await request.decodeJSON(CreateAgentRequest.self, context: context)
        let agent = try await auth.createAgent(by: actor, email: body.email, name: body.name, password: body.password,
                                               role: body.role ?? .agent)
        return EditedResponse(status: .created, response: AgentResponse(agent))
    }

    func updateAgent(request: Request, context: AppRequestContext) async throws -> AgentResponse {
        let actor = try context.requireAgent()
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can change agents.") }
        let id = AgentID(try context.parameters.require("id"))
        let body = try await request.decodeJSON(UpdateAgentRequest.self, context: context)
        return AgentResponse(try await auth.updateAgent(id, by: actor, name: body.name, role: body.role))
    }

    func listTeams(request: Request, context: AppRequestContext) async throws -> ListResponse<TeamResponse> {
        let teams = try await auth.teams(for: try context.requireAgent())
        return ListResponse(items: teams.map(TeamResponse.init), nextCursor: nil)
    }

    func createTeam(request: Request, context: AppRequestContext) async throws -> EditedResponse<TeamResponse> {
        let actor = try context.requireAgent()
        guard actor.isAdmin else { throw ServiceError.forbidden("Only admins can create teams.") }
        let body = try await request.decodeJSON(CreateTeamRequest.self, context: context)
        let team = try await auth.createTeam(by: actor, name: body.name, agentIDs: (body.agentIDs ?? []).map { AgentID($0) })
        return EditedResponse(status: .created, response: TeamResponse(team))
    }
}
