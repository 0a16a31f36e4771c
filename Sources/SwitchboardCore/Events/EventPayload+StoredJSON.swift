import Foundation

extension EventPayload {
    /// The payload as the event log stores it: what `JSONEncoder()` (default options) makes of the
    /// `Codable` conformance. A message payload, written once per message inside the database's single
    /// write transaction, is written by hand (``JSONText``; a test decodes it back to the same value);
    /// the rarer payloads go through the encoder.
    public func storedJSON() throws -> String {
        guard case .message(let message) = self else {
            return String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        }
        // The synthesized coding of an enum case with an unlabeled value: {"message": {"_0": {...}}}.
        return JSONText.object { json in
            json.object("message") { json in
                json.object("_0") { message.writeStoredMembers(to: &$0) }
            }
        }
    }
}

extension Message {
    /// The synthesized `Codable` members: property names as keys, absent optionals left out, the date
    /// as seconds since 2001 (`Date`'s own encoding).
    fileprivate func writeStoredMembers(to json: inout JSONText) {
        json.string("id", id.rawValue)
        json.string("workspaceID", workspaceID.rawValue)
        json.string("conversationID", conversationID.rawValue)
        json.string("direction", direction.rawValue)
        json.object("sender") { json in
            json.string("kind", sender.kind.rawValue)
            if let id = sender.id { json.string("id", id) }
        }
        json.bool("isPrivate", isPrivate)
        json.string("content", content)
        json.array("attachments", attachments) { json, attachment in
            json.object { json in
                json.string("id", attachment.id.rawValue)
                json.string("digest", attachment.digest)
                json.string("contentType", attachment.contentType)
                json.int("size", attachment.size)
                json.string("filename", attachment.filename)
            }
        }
        json.string("status", status.rawValue)
        if let externalID { json.string("externalID", externalID) }
        json.double("createdAt", createdAt.timeIntervalSinceReferenceDate)
    }
}
