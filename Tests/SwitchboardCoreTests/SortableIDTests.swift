import Foundation
import SwitchboardCore
import Testing

@Suite("Sortable identifiers")
struct SortableIDTests {
    @Test func idsAreStrictlyIncreasingWithinOneMillisecond() {
        let instant = Date(timeIntervalSince1970: 1_900_000_000)
        let ids = (0..<1000).map { _ in SortableID.make(now: instant) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 26 })
    }

    @Test func laterTimeSortsAfter() {
        let a = SortableID.make(now: Date(timeIntervalSince1970: 2_000_000_000))
        let b = SortableID.make(now: Date(timeIntervalSince1970: 2_000_000_001))
        #expect(a < b)
    }
}
