import SwitchboardCore
import Testing

@Suite("Duration conversions")
struct DurationConversionTests {
    @Test func millisecondsDropTheSubMillisecondRest() {
        #expect(Duration.seconds(30).inMilliseconds == 30_000)
        #expect((Duration.seconds(2) + .microseconds(1_999)).inMilliseconds == 2_001)
        #expect(Duration.milliseconds(250).inMilliseconds == 250)
    }

    @Test func secondsKeepTheFraction() {
        #expect(Duration.milliseconds(1_500).inSeconds == 1.5)
    }
}
