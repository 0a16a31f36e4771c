import Foundation
@testable import SwitchboardHTTP
import SwitchboardCore
import Testing

/// Agent sockets share the frames of recent events; a frame must still be the one its event encodes to.
@Suite("Event frame cache")
struct EventFrameCacheTests {
    static func event(_ sequence: Int64, content: String) -> DomainEvent {
        HandWrittenFrameTests.event(HandWrittenFrameTests.message(content, date: Date(timeIntervalSince1970: 1_000), agent: false),
                                    sequence: sequence)
    }

    @Test func eachEventGetsItsOwnFrameEvenWhenTwoShareASlot() throws {
        let cache = EventFrameCache()
        let first = Self.event(7, content: "first")
        // Same slot as the first, so it replaces it; the first is then encoded again, not mixed up.
        let sameSlot = Self.event(7 + Int64(EventFrameCache.slots), content: "second")
        for event in [first, sameSlot, first, first, sameSlot] {
            #expect(try cache.text(for: event) == RealtimeFrame(event).text())
        }
    }

    @Test func framesAskedForFromManyTasksAtOnceAreTheirEventsFrames() async throws {
        let cache = EventFrameCache()
        let events = (1...3 * EventFrameCache.slots).map { Self.event(Int64($0), content: "m\($0)") }
        let expected = try events.map { try RealtimeFrame($0).text() }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { try events.indices.allSatisfy { try cache.text(for: events[$0]) == expected[$0] } }
            }
            for try await allRight in group { #expect(allRight) }
        }
    }
}
