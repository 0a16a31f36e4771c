import Foundation
import Synchronization

/// Generates 26-character, lexicographically sortable identifiers (the ULID layout: 48 bits of
/// milliseconds, then 80 random bits, in Crockford base 32).
///
/// Within one process the values are strictly increasing even inside one millisecond, because
/// messages of one conversation are ordered by id and two can arrive in the same millisecond.
public enum SortableID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let last = Mutex<(millis: UInt64, random: (UInt16, UInt64))>((0, (0, 0)))

    /// A new identifier, greater than every one made before it in this process.
    public static func make(now: Date = Date()) -> String {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let (time, random) = last.withLock { state -> (UInt64, (UInt16, UInt64)) in
            if millis > state.millis {
                state = (millis, (UInt16.random(in: 0...UInt16.max), UInt64.random(in: 0...UInt64.max)))
            } else {
                // Same (or earlier, if the clock stepped back) millisecond: count up from the last value.
                var (high, low) = state.random
                low &+= 1
                if low == 0 { high &+= 1 }
                state.random = (high, low)
            }
            return (state.millis, state.random)
        }
        return encode(time: time, high: random.0, low: random.1)
    }

    private static func encode(time: UInt64, high: UInt16, low: UInt64) -> String {
        var bytes = [UInt8](repeating: 0, count: 26)
        var t = time
        for index in stride(from: 9, through: 0, by: -1) {
            bytes[index] = alphabet[Int(t & 31)]
            t >>= 5
        }
        // 80 random bits: 16 high bits and 64 low bits, 16 characters of 5 bits.
        var lowBits = low
        var highBits = UInt32(high)
        for index in stride(from: 25, through: 10, by: -1) {
            bytes[index] = alphabet[Int(lowBits & 31)]
            lowBits = (lowBits >> 5) | (UInt64(highBits & 31) << 59)
            highBits >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
