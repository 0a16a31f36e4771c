import Foundation
import SwitchboardCore
import SwitchboardStore
import Testing

@Suite("Attachments contract")
struct AttachmentContractTests {
    func file(_ store: any WorkspaceStorage, by uploader: MessageSender) async throws -> SwitchboardCore.Attachment {
        try await store.createAttachment(NewAttachment(digest: String(repeating: "f", count: 64), contentType: "image/png",
                                                       size: 3, filename: "shot.png", uploader: uploader))
    }

    /// What an `api` inbox's integration may open: files of public messages in that inbox's conversations.
    @Test(arguments: TestBackend.enabled)
    func anInboxOpensTheFilesOfItsPublicMessagesOnly(backend: TestBackend) async throws {
        let storage = try backend.makeStorage()
        let store = storage.workspace(Workspace.defaultID)
        let (shop, other) = (try await store.apiInbox("Shop", digest: "d1"), try await store.apiInbox("Other", digest: "d2"))
        let agent = try await store.agent("agent@example.com")
        let conversation = try await store.receive("m1", in: shop).conversation.id
        let (replied, noted, unsent) = (try await file(store, by: .agent(agent.id)), try await file(store, by: .agent(agent.id)),
                                        try await file(store, by: .agent(agent.id)))
        for (attachment, isPrivate) in [(replied, false), (noted, true)] {
            _ = try await store.appendOutgoing(OutgoingMessage(
                conversationID: conversation, sender: .agent(agent.id), content: "here", isPrivate: isPrivate, status: .sent,
                attachmentIDs: [attachment.id]))
        }

        #expect(try await store.attachment(replied.id, publicIn: shop.id) == replied)
        #expect(try await store.attachment(noted.id, publicIn: shop.id) == nil, "a private note's file")
        #expect(try await store.attachment(unsent.id, publicIn: shop.id) == nil, "an upload no message has claimed")
        #expect(try await store.attachment(replied.id, publicIn: other.id) == nil, "another inbox")
        #expect(try await store.attachment(AttachmentID("nope"), publicIn: shop.id) == nil)
        #expect(try await storage.workspace(WorkspaceID("other")).attachment(replied.id, publicIn: shop.id) == nil,
                "another workspace")
    }
}
