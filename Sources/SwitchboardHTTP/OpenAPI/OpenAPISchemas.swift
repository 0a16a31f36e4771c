/// The component schemas of the OpenAPI document.
enum OpenAPISchemas {
    private static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    private static var string: [String: Any] { ["type": "string"] }
    private static var nullableString: [String: Any] { ["type": ["string", "null"]] }
    private static var time: [String: Any] { ["type": "string", "format": "date-time"] }
    private static var nullableTime: [String: Any] { ["type": ["string", "null"], "format": "date-time"] }
    private static var integer: [String: Any] { ["type": "integer"] }
    private static var boolean: [String: Any] { ["type": "boolean"] }
    private static func list(_ item: String) -> [String: Any] {
        object(["items": ["type": "array", "items": OpenAPIDocument.ref(item)], "next_cursor": nullableString],
               required: ["items", "next_cursor"])
    }
    private static func enumeration(_ values: [String]) -> [String: Any] { ["type": "string", "enum": values] }

    private static var shortCode: [String: Any] { ["type": "string", "pattern": "^[a-z0-9_-]{1,32}$"] }
    private static var cannedContent: [String: Any] { ["type": "string", "minLength": 1, "maxLength": 10_000] }
    private static var color: [String: Any] { ["type": "string", "pattern": "^#[0-9a-fA-F]{6}$"] }

    static let channels = ["api", "web_chat", "email", "whatsapp", "messenger", "instagram", "telegram", "sms", "twitter", "voice"]

    static var all: [String: Any] {
        [
            "Error": object(["error": object(["code": string, "message": string], required: ["code", "message"])], required: ["error"]),
            "Health": object(["status": string], required: ["status"]),
            "LoginRequest": object(["email": string, "password": string], required: ["email", "password"]),
            "Login": object(["token": string, "agent": OpenAPIDocument.ref("Agent")], required: ["token", "agent"]),
            "Agent": object(["id": string, "email": string, "name": string, "role": enumeration(["admin", "agent"]),
                             "created_at": time], required: ["id", "email", "name", "role"]),
            "AgentList": list("Agent"),
            "CreateAgentRequest": object(["email": string, "name": string, "password": ["type": "string", "minLength": 8],
                                          "role": enumeration(["admin", "agent"])], required: ["email", "name", "password"]),
            "Team": object(["id": string, "name": string, "agent_ids": ["type": "array", "items": string], "created_at": time],
                           required: ["id", "name", "agent_ids"]),
            "TeamList": list("Team"),
            "CreateTeamRequest": object(["name": string, "agent_ids": ["type": "array", "items": string]], required: ["name"]),
            "Inbox": object(["id": string, "name": string, "channel": enumeration(channels), "settings": ["type": "object"],
                             "webhook_url": string, "inbound_token": string, "hmac_secret": string, "created_at": time],
                            required: ["id", "name", "channel", "settings"]),
            "InboxList": list("Inbox"),
            "Attachment": object(["id": string, "filename": string, "content_type": string, "size": integer],
                                 required: ["id", "filename", "content_type", "size"]),
            "InboxMembers": object(["agent_ids": ["type": "array", "items": string]], required: ["agent_ids"]),
            "WidgetConfig": object([
                "inbox_id": string, "name": string, "greeting": nullableString, "pre_chat_form": boolean,
                "require_identity_verification": boolean, "agents_online": boolean, "business_hours_open": boolean,
            ], required: ["inbox_id", "name", "greeting", "pre_chat_form", "require_identity_verification", "agents_online",
                          "business_hours_open"]),
            "VisitorSessionRequest": object(["identifier": string, "identifier_hash": string, "name": string, "email": string]),
            "VisitorSession": object(["visitor_token": string, "contact_id": string, "verified": boolean],
                                     required: ["visitor_token", "contact_id", "verified"]),
            "VisitorProfile": object(["contact_id": string, "verified": boolean], required: ["contact_id", "verified"]),
            "CreateInboxRequest": object(["name": string, "channel": enumeration(channels), "settings": ["type": "object"]],
                                         required: ["name", "channel"]),
            "IncomingRequest": object([
                "external_id": string, "content": string, "sent_at": time,
                "contact": object(["external_id": string, "name": string, "email": string, "phone": string], required: ["external_id"]),
            ], required: ["external_id", "contact", "content"]),
            "IncomingResult": object(["conversation_id": string, "message_id": string, "contact_id": string],
                                     required: ["conversation_id", "message_id", "contact_id"]),
            "Conversation": object([
                "id": string, "number": integer, "inbox_id": string, "channel": enumeration(channels),
                "status": enumeration(["open", "pending", "snoozed", "resolved"]),
                "priority": enumeration(["none", "low", "medium", "high", "urgent"]),
                "assignee_id": nullableString, "team_id": nullableString, "labels": ["type": "array", "items": string],
                "contact": object(["id": string, "name": string]),
                "last_message": ["type": ["object", "null"], "properties": ["content": string, "created_at": time,
                                                                           "direction": enumeration(["in", "out"])]],
                "unread_count": integer, "snoozed_until": nullableTime, "created_at": time, "last_activity_at": time,
                "resolved_at": nullableTime,
                "sla": object(["first_response_at": nullableTime, "waiting_since": nullableTime]),
            ], required: ["id", "number", "inbox_id", "channel", "status", "contact"]),
            "ConversationList": list("Conversation"),
            "UpdateConversationRequest": object([
                "status": enumeration(["open", "pending", "snoozed", "resolved"]), "assignee_id": nullableString,
                "team_id": nullableString, "priority": enumeration(["none", "low", "medium", "high", "urgent"]),
                "labels": ["type": "array", "items": string], "snoozed_until": time,
            ]),
            "Message": object([
                "id": string, "conversation_id": string, "direction": enumeration(["in", "out"]),
                "sender": object(["type": enumeration(["contact", "agent", "bot", "system"]), "id": nullableString]),
                "private": boolean, "content": string, "attachments": ["type": "array", "items": OpenAPIDocument.ref("Attachment")],
                "status": enumeration(["queued", "sent", "delivered", "read", "failed"]), "created_at": time,
            ], required: ["id", "conversation_id", "direction", "sender", "private", "content", "status"]),
            "MessageList": list("Message"),
            // content may be empty when attachments (ids from POST /api/v1/attachments) carry the message.
            "ReplyRequest": object(["content": string, "private": boolean,
                                    "attachments": ["type": "array", "items": string, "maxItems": 10]]),
            "Contact": object([
                "id": string, "name": string, "emails": ["type": "array", "items": string],
                "phones": ["type": "array", "items": string],
                "identities": ["type": "array", "items": object(["channel": enumeration(channels), "external_id": string])],
                "attributes": ["type": "object"], "created_at": time,
                "conversations": ["type": "array", "items": OpenAPIDocument.ref("Conversation")],
            ], required: ["id", "name", "emails", "phones", "identities"]),
            "ContactList": list("Contact"),
            "MergeContactRequest": object(["other_contact_id": string], required: ["other_contact_id"]),
            "UpdateAgentRequest": object(["name": string, "role": enumeration(["admin", "agent"])]),
            "SetupStatus": object(["needs_setup": boolean], required: ["needs_setup"]),
            "SetupRequest": object(["email": string, "name": string, "password": ["type": "string", "minLength": 8]],
                                   required: ["email", "name", "password"]),
            "CannedResponse": object(["id": string, "short_code": shortCode, "content": string, "created_at": time],
                                     required: ["id", "short_code", "content", "created_at"]),
            "CannedResponseList": list("CannedResponse"),
            "CreateCannedResponseRequest": object(["short_code": shortCode, "content": cannedContent],
                                                  required: ["short_code", "content"]),
            "UpdateCannedResponseRequest": object(["short_code": shortCode, "content": cannedContent]),
            "Label": object(["id": string, "name": string, "color": color, "description": string],
                            required: ["id", "name", "color", "description"]),
            "LabelList": list("Label"),
            "CreateLabelRequest": object(["name": ["type": "string", "minLength": 1, "maxLength": 64], "color": color,
                                          "description": ["type": "string", "maxLength": 200]], required: ["name"]),
            "SearchResults": object([
                "conversations": ["type": "array", "items": OpenAPIDocument.ref("Conversation")],
                "messages": ["type": "array", "items": OpenAPIDocument.ref("Message")],
                "contacts": ["type": "array", "items": OpenAPIDocument.ref("Contact")],
            ], required: ["conversations", "messages", "contacts"]),
        ]
    }
}
