import Foundation
import SwitchboardCore
import Testing

@Suite("Business hours")
struct BusinessHoursTests {
    static let berlin: JSONValue = .object([
        "timezone": .string("Europe/Berlin"),
        "days": .object(["mon": .array([.string("09:00"), .string("17:30")]), "sat": .array([.string("00:00"), .string("24:00")])]),
    ])

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test(arguments: [
        ("2026-11-30T07:59:00Z", false), // Monday 08:59 in Berlin (UTC+1)
        ("2026-11-30T08:00:00Z", true), // 09:00
        ("2026-11-30T16:29:00Z", true), // 17:29
        ("2026-11-30T16:30:00Z", false), // 17:30 closes
        ("2026-12-01T10:00:00Z", false), // Tuesday is not listed
        ("2026-12-05T23:30:00Z", false), // already Sunday 00:30 in Berlin
        ("2026-12-05T22:59:00Z", true), // Saturday 23:59 in Berlin
    ])
    func openOrClosed(time: String, open: Bool) throws {
        #expect(try BusinessHours(Self.berlin).isOpen(at: Self.utc(time)) == open)
    }

    @Test(arguments: [
        JSONValue.string("always"),
        .object(["timezone": .string("Nowhere/Land"), "days": .object([:])]),
        .object(["timezone": .string("UTC"), "days": .object(["funday": .array([.string("09:00"), .string("10:00")])])]),
        .object(["timezone": .string("UTC"), "days": .object(["mon": .array([.string("17:00"), .string("09:00")])])]),
        .object(["timezone": .string("UTC"), "days": .object(["mon": .array([.string("9am"), .string("5pm")])])]),
        .object(["timezone": .string("UTC"), "days": .object(["mon": .array([.string("09:00"), .string("24:30")])])]),
    ])
    func malformedSettingsAreRefused(value: JSONValue) {
        #expect(throws: BusinessHoursError.self) { try BusinessHours(value) }
    }
}
