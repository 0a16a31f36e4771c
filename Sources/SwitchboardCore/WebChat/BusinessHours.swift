import Foundation

/// When a web-chat inbox is staffed: opening hours per weekday in one time zone.
///
/// Settings shape: `{"timezone": "Europe/Berlin", "days": {"mon": ["09:00", "17:00"], ...}}`. A day
/// that is not listed is closed; "00:00"–"24:00" is the whole day.
public struct BusinessHours: Sendable, Hashable {
    public static let dayKeys = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public let timeZone: TimeZone
    /// Opening and closing minute of the day, by weekday (1 = Sunday, as `Calendar` counts).
    public let minutes: [Int: Range<Int>]

    /// Parses the settings value; the error says what is wrong in words an admin understands.
    public init(_ value: JSONValue) throws(BusinessHoursError) {
        guard case .object(let object) = value else { throw .init("must be an object with timezone and days") }
        guard case .string(let zone)? = object["timezone"], let timeZone = TimeZone(identifier: zone) else {
            throw .init("timezone must be an IANA time zone name such as Europe/Berlin")
        }
        guard case .object(let days)? = object["days"] else { throw .init("days must be an object such as {\"mon\": [\"09:00\", \"17:00\"]}") }
        var minutes: [Int: Range<Int>] = [:]
        for (key, hours) in days {
            guard let index = Self.dayKeys.firstIndex(of: key) else { throw .init("days has no day \"\(key)\"; use mon…sun") }
            guard case .array(let pair) = hours, pair.count == 2,
                  let open = pair[0].stringValue.flatMap(Self.minute), let close = pair[1].stringValue.flatMap(Self.minute),
                  open < close
            else { throw .init("days.\(key) must be [\"HH:MM\", \"HH:MM\"] with the opening time first") }
            minutes[index + 1] = open..<close
        }
        self.timeZone = timeZone
        self.minutes = minutes
    }

    /// Whether `date` falls inside the opening hours.
    public func isOpen(at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hours = minutes[weekday] else { return false }
        return hours.contains((parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    private static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute),
              hour * 60 + minute <= 24 * 60
        else { return nil }
        return hour * 60 + minute
    }
}

/// Why a business-hours setting was refused.
public struct BusinessHoursError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
