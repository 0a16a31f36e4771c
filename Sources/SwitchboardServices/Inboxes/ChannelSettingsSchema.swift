import Foundation
import SwitchboardCore

/// The settings each channel accepts (API.md, "Settings by channel"), their JSON types, and which
/// of them are secrets to mask once the inbox has been created.
enum ChannelSettingsSchema {
    enum Kind { case string, bool, integer, object, stringList }

    static func fields(of channel: ChannelKind) -> [String: Kind] {
        switch channel {
        case .api: ["callback_url": .string]
        case .webChat: ["greeting": .string, "require_identity_verification": .bool, "business_hours": .object,
                        "pre_chat_form": .bool]
        case .email: ["address": .string, "smtp_host": .string, "smtp_port": .integer, "smtp_username": .string,
                      "smtp_password": .string, "smtp_tls": .string]
        case .whatsapp: ["phone_number_id": .string, "access_token": .string, "app_secret": .string,
                         "verify_token": .string, "api_base_url": .string]
        case .messenger, .instagram: ["page_id": .string, "page_access_token": .string, "app_secret": .string,
                                      "verify_token": .string, "api_base_url": .string]
        case .telegram: ["bot_token": .string, "secret_token": .string, "api_base_url": .string]
        case .sms: ["account_sid": .string, "auth_token": .string, "phone_number": .string, "api_base_url": .string]
        case .voice: ["account_sid": .string, "auth_token": .string, "phone_number": .string, "api_base_url": .string,
                      "ivr": .object]
        case .twitter: ["account_handle": .string, "consumer_secret": .string, "bearer_token": .string,
                        "listen_keywords": .stringList, "api_base_url": .string]
        }
    }

    /// Settings whose values are shown only in the create response.
    static let secretKeys: Set<String> = [
        "smtp_password", "access_token", "app_secret", "verify_token", "page_access_token", "bot_token",
        "secret_token", "auth_token", "consumer_secret", "bearer_token", "hmac_secret", "callback_secret",
    ]

    /// Checks every setting against the channel's schema; the first problem names the field.
    static func validate(_ settings: [String: JSONValue], for channel: ChannelKind) throws(ServiceError) {
        let fields = fields(of: channel)
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            let field = "settings.\(key)"
            guard let kind = fields[key] else {
                throw .invalidField(field: field, message: "\(channel.rawValue) inboxes have no setting \"\(key)\".")
            }
            guard matches(value, kind) else {
                throw .invalidField(field: field, message: "\(field) must be \(describe(kind)).")
            }
        }
        if case .string(let tls)? = settings["smtp_tls"], !["none", "starttls", "tls"].contains(tls) {
            throw .invalidField(field: "settings.smtp_tls", message: "settings.smtp_tls must be none, starttls or tls.")
        }
        if let hours = settings["business_hours"] {
            do {
                _ = try BusinessHours(hours)
            } catch {
                throw .invalidField(field: "settings.business_hours", message: "settings.business_hours: \(error.description).")
            }
        }
        if case .string(let url)? = settings["callback_url"], !isWebAddress(url) {
            throw .invalidField(field: "settings.callback_url",
                                message: "settings.callback_url must be an absolute http or https URL.")
        }
        if case .number(let port)? = settings["smtp_port"], !(1...65535).contains(port) {
            throw .invalidField(field: "settings.smtp_port", message: "settings.smtp_port must be 1 to 65535.")
        }
    }

    private static func isWebAddress(_ text: String) -> Bool {
        guard text.count <= 2_000, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              let host = url.host, !host.isEmpty
        else { return false }
        return scheme == "http" || scheme == "https"
    }

    private static func matches(_ value: JSONValue, _ kind: Kind) -> Bool {
        switch (kind, value) {
        case (.string, .string), (.bool, .bool), (.object, .object): true
        case (.integer, .number(let n)): n.rounded() == n
        case (.stringList, .array(let items)): items.allSatisfy { $0.stringValue != nil }
        default: false
        }
    }

    private static func describe(_ kind: Kind) -> String {
        switch kind {
        case .string: "a string"
        case .bool: "true or false"
        case .integer: "an integer"
        case .object: "an object"
        case .stringList: "a list of strings"
        }
    }
}
