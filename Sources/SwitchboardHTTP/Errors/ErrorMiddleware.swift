import Foundation
import Hummingbird
import Logging
import SwitchboardCore
import SwitchboardServices
import SwitchboardStore

/// Turns every error a route throws into the JSON error body. Errors nobody anticipated are logged
/// once, in full, and answered 500 without internals.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw Self.apiError(for: error, logger: context.logger)
        }
    }

    static func apiError(for error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ServiceError:
            return map(error)
        case let error as StorageError:
            return map(error)
        case let error as ConversationRuleViolation:
            return map(error)
        case is InvalidCursor:
            return APIError(.badRequest, code: "invalid_cursor", message: "The cursor is not one this server handed out.")
        case let error as HTTPError:
            return map(error)
        default:
            logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return APIError(.internalServerError, code: "internal_error", message: "Something went wrong on our side.")
        }
    }

    private static func map(_ error: ServiceError) -> APIError {
        switch error {
        case .unauthenticated(let message): .unauthenticated(message)
        case .forbidden(let message): APIError(.forbidden, code: "forbidden", message: message)
        case .invalidField(_, let message): .validation(message)
        case .notFound(let what): .notFound(what)
        case .rateLimited(let message): APIError(.tooManyRequests, code: "rate_limited", message: message)
        case .conflict(let message): APIError(.conflict, code: "conflict", message: message)
        }
    }

    private static func map(_ error: StorageError) -> APIError {
        switch error {
        case .duplicate(let what): APIError(.conflict, code: "already_exists", message: "There is already \(what).")
        case .notFound(let what): .notFound(what)
        case .conflict(let message): APIError(.conflict, code: "conflict", message: message.prefix(1).uppercased() + message.dropFirst() + ".")
        }
    }

    private static func map(_ error: ConversationRuleViolation) -> APIError {
        switch error {
        case .snoozeNeedsFutureTime: .validation("Snoozing needs snoozed_until, a time in the future.")
        case .snoozeTimeWithoutSnooze: .validation("snoozed_until is only allowed with status snoozed.")
        case .invalidLabel(let label):
            .validation("Label \"\(label.prefix(80))\" is not allowed: use 1–64 letters, digits, '-', '_', '.' or ':'.")
        }
    }

    private static func map(_ error: HTTPError) -> APIError {
        let code = switch error.status {
        case .notFound: "not_found"
        case .contentTooLarge: "payload_too_large"
        case .methodNotAllowed: "method_not_allowed"
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        default: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
        }
        let message = error.body ?? (error.status == .notFound ? "No route matches this path." : error.status.reasonPhrase + ".")
        return APIError(error.status, code: code, message: message)
    }
}
