import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import SwitchboardCore
import SwitchboardServices

/// The web-chat widget's endpoints under `/api/v1/widget/{inbox_id}`: settings, sessions and the
/// visitor's socket. Called from the business's site, so every answer carries CORS headers.
struct WidgetController {
    let widget: WidgetService
    let attachments: AttachmentService

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.group("widget/:inbox_id").add(middleware: WidgetCORSMiddleware())
            .get("config", use: config)
            .post("sessions", use: openSession)
            .get("session", use: currentSession)
            .on("config", method: .options, use: preflight)
            .on("sessions", method: .options, use: preflight)
            .on("session", method: .options, use: preflight)
            .post("attachments", use: upload)
            .on("attachments", method: .options, use: preflight)
            .get("attachments/:attachment_id", use: download)
            .get("ws", use: socketWithoutUpgrade)
        return routes
    }

    func config(request: Request, context: AppRequestContext) async throws -> WidgetConfigResponse {
        WidgetConfigResponse(try await widget.config(inbox: try inboxID(context)))
    }

    func openSession(request: Request, context: AppRequestContext) async throws -> EditedResponse<VisitorSessionResponse> {
        let body = try await request.decodeJSON(VisitorSessionRequest.self, context: context)
        let opened = try await widget.openSession(
            inbox: try inboxID(context),
            .init(identifier: body.identifier, identifierHash: body.identifierHash, name: body.name, email: body.email),
            from: context.remoteAddress)
        return EditedResponse(status: .created, response: VisitorSessionResponse(
            visitorToken: opened.token, contactID: opened.session.contactID.rawValue, verified: opened.session.isVerified))
    }

    func currentSession(request: Request, context: AppRequestContext) async throws -> VisitorProfileResponse {
        let token = request.headers[HTTPField.Name("X-Visitor-Token")!] ?? ""
        let session = try await widget.session(token: token, inbox: try inboxID(context))
        return VisitorProfileResponse(contactID: session.contactID.rawValue, verified: session.isVerified)
    }

    /// A visitor's upload (the raw file as the body, `?filename=`); their next message claims it.
    func upload(request: Request, context: AppRequestContext) async throws -> EditedResponse<AttachmentResponse> {
        let session = try await widget.session(token: request.headers[HTTPField.Name("X-Visitor-Token")!] ?? "",
                                               inbox: try inboxID(context))
        guard widget.allowUpload(from: session, address: context.remoteAddress) else {
            throw ServiceError.rateLimited("You are sending files too fast; wait a moment.")
        }
        let upload = try await AttachmentUpload(request, limit: attachments.policy.maxSize)
        let attachment = try await attachments.upload(upload.data, contentType: upload.contentType, filename: upload.filename,
                                                      in: session.workspaceID, by: .contact(session.contactID))
        return EditedResponse(status: .created, response: AttachmentResponse(attachment))
    }

    /// A file the visitor may see; the token is in the query so an `<img src>` can carry it.
    func download(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try await widget.session(token: request.queryString("visitor_token") ?? "", inbox: try inboxID(context))
        let id = AttachmentID(try context.parameters.require("attachment_id"))
        return AttachmentUpload.response(for: try await attachments.open(id, for: session))
    }

    func preflight(request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .noContent)
    }

    /// The visitor socket's address asked without `Upgrade: websocket` (upgrades never reach the router:
    /// ``VisitorSocketUpgrade`` serves them): a bad token is still a 401, anything else a 400.
    func socketWithoutUpgrade(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await widget.session(token: request.queryString("visitor_token") ?? "", inbox: try inboxID(context))
        throw APIError(.badRequest, code: "bad_request", message: "This address takes a WebSocket upgrade (Upgrade: websocket).")
    }

    private func inboxID(_ context: AppRequestContext) throws -> InboxID {
        InboxID(try context.parameters.require("inbox_id"))
    }
}
