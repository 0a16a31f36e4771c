import SwitchboardCore
import Testing

@Suite("URL redaction")
struct URLRedactionTests {
    @Test func aPasswordIsHiddenAndTheRestKept() {
        #expect(URLRedaction.hidingPassword("postgres://sb:s3cret@db.internal:5433/switchboard?sslmode=require")
                == "postgres://sb:***@db.internal:5433/switchboard?sslmode=require")
    }

    @Test func aURLWithoutPasswordIsUnchangedAndNonsenseIsNil() {
        #expect(URLRedaction.hidingPassword("postgres://sb@127.0.0.1/switchboard") == "postgres://sb@127.0.0.1/switchboard")
        #expect(URLRedaction.hidingPassword("sqlite:/var/lib/switchboard.sqlite") == "sqlite:/var/lib/switchboard.sqlite")
        #expect(URLRedaction.hidingPassword("http://[::1") == nil)
    }
}
