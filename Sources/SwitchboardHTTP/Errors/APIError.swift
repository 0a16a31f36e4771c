import Foundation
import Hummingbird
import NIOCore

/// An error as clients see it: a status and `{"error": {"code": ..., "message": ...}}`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = jsonBody
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `{"error": {"code", "message"}}`
    var jsonBody: Data {
        // Two strings always encode.
        (try? JSONEncoder().encode(Body(error: .init(code: code, message: message)))) ?? Data()
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    static func unauthenticated(_ message: String) -> APIError { APIError(.unauthorized, code: "unauthorized", message: message) }
    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not_found", message: "No such \(what).") }
    static func invalidQuery(_ message: String) -> APIError { APIError(.badRequest, code: "invalid_query", message: message) }
    static func validation(_ message: String) -> APIError { APIError(.unprocessableContent, code: "validation_failed", message: message) }
}
