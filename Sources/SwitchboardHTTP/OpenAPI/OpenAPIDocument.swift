import Foundation

/// The OpenAPI 3.1 description of every route, served at `/api/v1/openapi.json`.
///
/// A test compares ``operations`` with the router's routes, so a route cannot be added without
/// being described here.
public enum OpenAPIDocument {
    enum Auth { case none, agent, inboxToken, visitorToken }

    struct Operation {
        let method: String
        /// OpenAPI form: `/api/v1/conversations/{id}`.
        let path: String
        let summary: String
        let auth: Auth
        let request: String?
        let responses: [Int: String?]
        var query: [String] = []
    }

    static let listQuery = ["limit", "cursor"]

    static let operations: [Operation] = [
        Operation(method: "get", path: "/healthz", summary: "Readiness: 200 once started, 503 while starting", auth: .none,
                  request: nil, responses: [200: "Health", 503: "Health"]),
        Operation(method: "get", path: "/metrics", summary: "Prometheus metrics (text)", auth: .none, request: nil, responses: [200: nil]),
        Operation(method: "get", path: "/api/v1/openapi.json", summary: "This document", auth: .none, request: nil, responses: [200: nil]),
        Operation(method: "post", path: "/api/v1/auth/login", summary: "Log in and get an API token", auth: .none,
                  request: "LoginRequest", responses: [200: "Login", 401: "Error", 422: "Error"]),
        Operation(method: "post", path: "/api/v1/auth/logout", summary: "Sign out: revoke the token this request carries",
                  auth: .agent, request: nil, responses: [204: nil]),
        Operation(method: "get", path: "/api/v1/setup", summary: "First-run setup: whether the installation still needs its first admin",
                  auth: .none, request: nil, responses: [200: "SetupStatus"]),
        Operation(method: "post", path: "/api/v1/setup", summary: "First-run setup: create the first admin and sign in (once only)",
                  auth: .none, request: "SetupRequest", responses: [201: "Login", 400: "Error", 409: "Error", 422: "Error"]),
        Operation(method: "get", path: "/api/v1/realtime",
                  summary: "WebSocket upgrade: agents' event stream; frames {id, type, data}; ?after=<id> replays",
                  auth: .none, request: nil, responses: [101: nil, 400: "Error", 401: "Error"], query: ["token", "after"]),
        Operation(method: "get", path: "/widget.js", summary: "The embeddable web-chat widget (JavaScript)", auth: .none,
                  request: nil, responses: [200: nil]),
        Operation(method: "get", path: "/", summary: "Redirects to the agent workspace at /app", auth: .none,
                  request: nil, responses: [302: nil]),
        Operation(method: "get", path: "/app", summary: "The agent workspace (HTML page; signs in through the API)", auth: .none,
                  request: nil, responses: [200: nil]),
        Operation(method: "get", path: "/app/{file}", summary: "The workspace's modules and styles", auth: .none,
                  request: nil, responses: [200: nil, 404: "Error"]),
        Operation(method: "get", path: "/api/v1/widget/{inbox_id}/config", summary: "Web chat: what the widget shows (CORS)",
                  auth: .none, request: nil, responses: [200: "WidgetConfig", 404: "Error"]),
        Operation(method: "options", path: "/api/v1/widget/{inbox_id}/config", summary: "CORS preflight", auth: .none,
                  request: nil, responses: [204: nil]),
        Operation(method: "post", path: "/api/v1/widget/{inbox_id}/sessions",
                  summary: "Web chat: open a visitor session; identifier counts only with a valid identifier_hash",
                  auth: .none, request: "VisitorSessionRequest",
                  responses: [201: "VisitorSession", 401: "Error", 404: "Error", 422: "Error", 429: "Error"]),
        Operation(method: "options", path: "/api/v1/widget/{inbox_id}/sessions", summary: "CORS preflight", auth: .none,
                  request: nil, responses: [204: nil]),
        Operation(method: "get", path: "/api/v1/widget/{inbox_id}/session", summary: "Web chat: check a stored visitor token",
                  auth: .visitorToken, request: nil, responses: [200: "VisitorProfile"]),
        Operation(method: "options", path: "/api/v1/widget/{inbox_id}/session", summary: "CORS preflight", auth: .none,
                  request: nil, responses: [204: nil]),
        Operation(method: "post", path: "/api/v1/widget/{inbox_id}/attachments",
                  summary: "Web chat: upload a file (raw body, Content-Type, ?filename=); the next message claims it by id",
                  auth: .visitorToken, request: nil, responses: [201: "Attachment", 413: "Error", 422: "Error", 429: "Error"],
                  query: ["filename"]),
        Operation(method: "options", path: "/api/v1/widget/{inbox_id}/attachments", summary: "CORS preflight", auth: .none,
                  request: nil, responses: [204: nil]),
        Operation(method: "get", path: "/api/v1/widget/{inbox_id}/attachments/{attachment_id}",
                  summary: "Web chat: a file of the visitor's own conversation", auth: .none, request: nil,
                  responses: [200: nil, 401: "Error", 404: "Error"], query: ["visitor_token"]),
        Operation(method: "post", path: "/api/v1/attachments",
                  summary: "Upload a file (raw body, Content-Type, ?filename=) to send with a reply", auth: .agent,
                  request: nil, responses: [201: "Attachment", 413: "Error", 422: "Error"], query: ["filename"]),
        Operation(method: "get", path: "/api/v1/attachments/{attachment_id}", summary: "Download a file", auth: .agent,
                  request: nil, responses: [200: nil, 404: "Error"]),
        Operation(method: "get", path: "/api/v1/widget/{inbox_id}/ws",
                  summary: "WebSocket upgrade: a visitor's chat; hello, message, ack, typing, presence, error frames",
                  auth: .none, request: nil, responses: [101: nil, 401: "Error"], query: ["visitor_token"]),
        Operation(method: "get", path: "/api/v1/me", summary: "The calling agent", auth: .agent, request: nil, responses: [200: "Agent"]),
        Operation(method: "get", path: "/api/v1/agents", summary: "List agents", auth: .agent, request: nil, responses: [200: "AgentList"]),
        Operation(method: "post", path: "/api/v1/agents", summary: "Create an agent (admin)", auth: .agent,
                  request: "CreateAgentRequest", responses: [201: "Agent", 403: "Error", 409: "Error", 422: "Error"]),
        Operation(method: "patch", path: "/api/v1/agents/{id}",
                  summary: "Rename an agent or change its role (admin); the last admin cannot be demoted", auth: .agent,
                  request: "UpdateAgentRequest", responses: [200: "Agent", 400: "Error", 403: "Error", 404: "Error", 409: "Error", 422: "Error"]),
        Operation(method: "get", path: "/api/v1/teams", summary: "List teams", auth: .agent, request: nil, responses: [200: "TeamList"]),
        Operation(method: "post", path: "/api/v1/teams", summary: "Create a team (admin)", auth: .agent,
                  request: "CreateTeamRequest", responses: [201: "Team", 403: "Error", 404: "Error", 409: "Error"]),
        Operation(method: "get", path: "/api/v1/inboxes", summary: "List inboxes (secrets masked)", auth: .agent, request: nil,
                  responses: [200: "InboxList"]),
        Operation(method: "post", path: "/api/v1/inboxes", summary: "Create an inbox (admin); secrets shown once", auth: .agent,
                  request: "CreateInboxRequest", responses: [201: "Inbox", 403: "Error", 422: "Error"]),
        Operation(method: "get", path: "/api/v1/inboxes/{inbox_id}/members", summary: "The agents who work an inbox",
                  auth: .agent, request: nil, responses: [200: "InboxMembers", 404: "Error"]),
        Operation(method: "put", path: "/api/v1/inboxes/{inbox_id}/members",
                  summary: "Replace an inbox's members (admin); agents see realtime events of their inboxes only",
                  auth: .agent, request: "InboxMembers", responses: [200: "InboxMembers", 403: "Error", 404: "Error", 422: "Error"]),
        Operation(method: "post", path: "/api/v1/inboxes/{inbox_id}/incoming",
                  summary: "Post a customer message to an api inbox; 201 new, 200 redelivery", auth: .inboxToken,
                  request: "IncomingRequest", responses: [201: "IncomingResult", 200: "IncomingResult", 401: "Error", 404: "Error", 422: "Error"]),
        Operation(method: "get", path: "/api/v1/inboxes/{inbox_id}/attachments/{attachment_id}",
                  summary: "An api inbox's integration downloads a file of a public message in that inbox (the url in a reply's callback)",
                  auth: .inboxToken, request: nil, responses: [200: nil, 401: "Error", 404: "Error"]),
        Operation(method: "get", path: "/api/v1/conversations", summary: "List conversations, most recent activity first",
                  auth: .agent, request: nil, responses: [200: "ConversationList", 400: "Error"],
                  query: ["status", "inbox_id", "assignee_id", "team_id", "label", "channel", "q"] + listQuery),
        Operation(method: "get", path: "/api/v1/conversations/{id}", summary: "One conversation", auth: .agent, request: nil,
                  responses: [200: "Conversation", 404: "Error"]),
        Operation(method: "patch", path: "/api/v1/conversations/{id}", summary: "Change status, assignee, team, priority, labels",
                  auth: .agent, request: "UpdateConversationRequest", responses: [200: "Conversation", 404: "Error", 422: "Error"]),
        Operation(method: "post", path: "/api/v1/conversations/{id}/read", summary: "Mark the conversation read", auth: .agent,
                  request: nil, responses: [200: "Conversation", 404: "Error"]),
        Operation(method: "get", path: "/api/v1/conversations/{id}/messages", summary: "Messages, oldest first", auth: .agent,
                  request: nil, responses: [200: "MessageList", 404: "Error"], query: listQuery),
        Operation(method: "post", path: "/api/v1/conversations/{id}/messages", summary: "Reply, or add a private note",
                  auth: .agent, request: "ReplyRequest", responses: [201: "Message", 404: "Error", 422: "Error"]),
        Operation(method: "post", path: "/api/v1/conversations/{id}/messages/{message_id}/retry",
                  summary: "Deliver a failed reply once more (status back to queued)", auth: .agent, request: nil,
                  responses: [200: "Message", 404: "Error", 409: "Error"]),
        Operation(method: "get", path: "/api/v1/contacts", summary: "List or search contacts", auth: .agent, request: nil,
                  responses: [200: "ContactList"], query: ["q"] + listQuery),
        Operation(method: "get", path: "/api/v1/contacts/{id}", summary: "A contact with its conversations on every channel",
                  auth: .agent, request: nil, responses: [200: "Contact", 404: "Error"]),
        Operation(method: "post", path: "/api/v1/contacts/{id}/merge", summary: "Merge another contact into this one",
                  auth: .agent, request: "MergeContactRequest", responses: [200: "Contact", 404: "Error", 409: "Error"]),
        Operation(method: "get", path: "/api/v1/canned_responses",
                  summary: "Saved replies by short code; q matches a short-code prefix or any part of the content",
                  auth: .agent, request: nil, responses: [200: "CannedResponseList"], query: ["q"]),
        Operation(method: "post", path: "/api/v1/canned_responses", summary: "Save a reply (admin)", auth: .agent,
                  request: "CreateCannedResponseRequest",
                  responses: [201: "CannedResponse", 400: "Error", 403: "Error", 409: "Error", 422: "Error"]),
        Operation(method: "patch", path: "/api/v1/canned_responses/{id}", summary: "Change a saved reply (admin)", auth: .agent,
                  request: "UpdateCannedResponseRequest",
                  responses: [200: "CannedResponse", 400: "Error", 403: "Error", 404: "Error", 409: "Error", 422: "Error"]),
        Operation(method: "delete", path: "/api/v1/canned_responses/{id}", summary: "Delete a saved reply (admin)",
                  auth: .agent, request: nil, responses: [204: nil, 403: "Error", 404: "Error"]),
        Operation(method: "get", path: "/api/v1/labels", summary: "The label catalogue, by name", auth: .agent, request: nil,
                  responses: [200: "LabelList"]),
        Operation(method: "post", path: "/api/v1/labels", summary: "Add a label to the catalogue (admin)", auth: .agent,
                  request: "CreateLabelRequest", responses: [201: "Label", 400: "Error", 403: "Error", 409: "Error", 422: "Error"]),
        Operation(method: "delete", path: "/api/v1/labels/{id}",
                  summary: "Remove a label from the catalogue (admin); conversations keep the name", auth: .agent,
                  request: nil, responses: [204: nil, 403: "Error", 404: "Error"]),
        Operation(method: "get", path: "/api/v1/search", summary: "Search conversations, messages and contacts", auth: .agent,
                  request: nil, responses: [200: "SearchResults", 400: "Error"], query: ["q", "limit"]),
    ]

    /// The document as JSON bytes.
    public static func json() throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys]))
    }

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            paths[operation.path, default: [:]][operation.method] = describe(operation)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Switchboard API", "version": "1.0.0",
                     "description": "One inbox for every channel. Errors are {\"error\": {\"code\", \"message\"}}."],
            "paths": paths,
            "components": [
                "schemas": OpenAPISchemas.all,
                "securitySchemes": [
                    "agentToken": ["type": "http", "scheme": "bearer"],
                    "inboxToken": ["type": "apiKey", "in": "header", "name": "X-Inbox-Token"],
                    "visitorToken": ["type": "apiKey", "in": "header", "name": "X-Visitor-Token"],
                ],
            ],
        ]
    }

    private static func describe(_ operation: Operation) -> [String: Any] {
        var result: [String: Any] = ["summary": operation.summary, "operationId": operationID(operation)]
        switch operation.auth {
        case .none: result["security"] = [[String: Any]]()
        case .agent: result["security"] = [["agentToken": [String]()]]
        case .inboxToken: result["security"] = [["inboxToken": [String]()]]
        case .visitorToken: result["security"] = [["visitorToken": [String]()]]
        }
        var parameters: [[String: Any]] = pathParameters(operation.path).map { name -> [String: Any] in
            ["name": name, "in": "path", "required": true, "schema": ["type": "string"] as [String: Any]]
        }
        for name in operation.query {
            let schema: [String: Any] = name == "limit" ? ["type": "integer", "minimum": 1, "maximum": 100] : ["type": "string"]
            parameters.append(["name": name, "in": "query", "required": false, "schema": schema])
        }
        if !parameters.isEmpty { result["parameters"] = parameters }
        if let request = operation.request {
            result["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(request)]]]
        }
        var responses: [String: Any] = [:]
        for (status, schema) in operation.responses {
            var response: [String: Any] = ["description": HTTPStatusText.text(status)]
            if let schema { response["content"] = ["application/json": ["schema": ref(schema)]] }
            responses[String(status)] = response
        }
        if operation.auth != .none { responses["401"] = ["description": "Missing or bad token", "content": ["application/json": ["schema": ref("Error")]]] }
        result["responses"] = responses
        return result
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    private static func operationID(_ operation: Operation) -> String {
        operation.method + operation.path.split(separator: "/").map { part in
            part.filter { $0.isLetter || $0.isNumber }.capitalized
        }.joined()
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
}

enum HTTPStatusText {
    static func text(_ status: Int) -> String {
        switch status {
        case 101: "Switching to the WebSocket protocol"
        case 200: "OK"
        case 201: "Created"
        case 204: "No content"
        case 400: "Bad query or cursor"
        case 401: "Missing or bad token"
        case 403: "Not allowed"
        case 404: "Not found"
        case 409: "Conflict"
        case 413: "Body too large"
        case 422: "Invalid body"
        case 429: "Too many requests"
        case 503: "Still starting"
        default: "Status \(status)"
        }
    }
}
