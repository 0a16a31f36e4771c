import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchboardCore
import SwitchboardServices

/// Agents' uploads (`POST /api/v1/attachments`, the raw file as the body) and downloads.
struct AttachmentController {
    let attachments: AttachmentService

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("attachments", use: upload)
            .get("attachments/:attachment_id", use: download)
    }

    func upload(request: Request, context: AppRequestContext) async throws -> EditedResponse<AttachmentResponse> {
        let agent = try context.requireAgent()
        let upload = try await AttachmentUpload(request, limit: attachments.policy.maxSize)
        let attachment = try await attachments.upload(upload.data, contentType: upload.contentType, filename: upload.filename,
                                                      in: agent.workspaceID, by: .agent(agent.id))
        return EditedResponse(status: .created, response: AttachmentResponse(attachment))
    }

    func download(request: Request, context: AppRequestContext) async throws -> Response {
        let id = AttachmentID(try context.parameters.require("attachment_id"))
        return AttachmentUpload.response(for: try await attachments.open(id, for: try context.requireAgent()))
    }
}

/// An upload's body and what the client says about it, and how a stored file is served back.
struct AttachmentUpload {
    let data: Data
    let contentType: String?
    let filename: String?

    /// Reads the raw body up to `limit` bytes; the name comes from `?filename=`.
    init(_ request: Request, limit: Int) async throws {
        var request = request
        do {
            data = Data(try await request.collectBody(upTo: limit).readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge(limit: limit)
        }
        contentType = request.headers[.contentType]
        filename = request.queryString("filename")
    }

    /// The file with headers that keep a browser from running it: its own type only (no sniffing),
    /// images inline, everything else as a download, and a sandbox for anything that renders.
    static func response(for file: AttachmentService.File) -> Response {
        let name = file.attachment.filename.replacingOccurrences(of: "\"", with: "")
        let ascii = String(name.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ascii
        return Response(status: .ok, headers: [
            .contentType: file.attachment.contentType,
            .contentDisposition: "\(file.isInline ? "inline" : "attachment"); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy: "sandbox; default-src 'none'",
            .cacheControl: "private, max-age=86400",
        ], body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
    }
}
