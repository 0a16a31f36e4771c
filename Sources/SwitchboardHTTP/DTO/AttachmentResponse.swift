import Hummingbird
import SwitchboardCore

/// A file as clients see it. Agents open it at `/api/v1/attachments/{id}`, visitors at
/// `/api/v1/widget/{inbox_id}/attachments/{id}?visitor_token=`.
struct AttachmentResponse: ResponseEncodable, Sendable {
    let id: String
    let filename: String
    let contentType: String
    let size: Int

    enum CodingKeys: String, CodingKey {
        case id, filename, size
        case contentType = "content_type"
    }

    init(_ attachment: Attachment) {
        id = attachment.id.rawValue
        filename = attachment.filename
        contentType = attachment.contentType
        size = attachment.size
    }
}

extension AttachmentResponse {
    func write(to json: inout JSONText) {
        json.object { json in
            json.string("id", id)
            json.string("filename", filename)
            json.string("content_type", contentType)
            json.int("size", size)
        }
    }
}
