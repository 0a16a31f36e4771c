import SwitchboardCore
import Testing

@Suite("Duration conversions")
struct DurationConversionTests {
    @Test func millisecondsDropTheSubMillisecondRest() {
        #expect(Duration.seconds(30).inMilliseconds == 30_000)
        #expect((Duration.seconds(2) + .microseconds(1_999)).inMilliseconds == 2_001)
        #expect(Duration.milliseconds(250).inMilliseconds == 250)
    }

    @Test func millisecondsSaturateInsteadOfTrapping() {
        #expect(Duration.seconds(Int64.max).inMilliseconds == .max)
        #expect(Duration.seconds(Int64.min).inMilliseconds == .min)
        #expect(Duration.seconds(Int64.max / 1000).inMilliseconds == Int64.max / 1000 * 1000)
    }

    @Test func secondsKeepTheFraction() {
        #expect(Duration.milliseconds(1_500).inSeconds == 1.5)
    }
}
