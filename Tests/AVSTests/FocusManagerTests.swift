import Testing
@testable import AVS

@Suite("Focus")
struct FocusManagerTests {
    @Test("the first activity takes the foreground; releasing it leaves nothing")
    func alone() {
        var focus = FocusManager()
        #expect(focus.handle(.acquire(.content)) == [.changed(.content, .foreground)])
        #expect(focus.foreground == .content)
        #expect(focus.handle(.release(.content)) == [.changed(.content, .none)])
        #expect(focus.foreground == nil)
    }

    @Test("a dialog ducks music and gives it back")
    func dialogDucksContent() {
        var focus = FocusManager()
        _ = focus.handle(.acquire(.content))
        #expect(focus.handle(.acquire(.dialog)) == [.changed(.dialog, .foreground), .changed(.content, .background(.duck))])
        #expect(focus.handle(.release(.dialog)) == [.changed(.dialog, .none), .changed(.content, .foreground)])
    }

    @Test("with a pausing policy, a dialog pauses music and resumes it")
    func dialogPausesContent() {
        var focus = FocusManager(policy: .init(contentUnderDialog: .pause))
        _ = focus.handle(.acquire(.content))
        #expect(focus.handle(.acquire(.dialog)) == [.changed(.dialog, .foreground), .changed(.content, .background(.pause))])
        #expect(focus.handle(.release(.dialog)) == [.changed(.dialog, .none), .changed(.content, .foreground)])
    }

    @Test("an alert during music takes the foreground and pauses it; music resumes after")
    func alertOverContent() {
        var focus = FocusManager()
        _ = focus.handle(.acquire(.content))
        #expect(focus.handle(.acquire(.alerts)) == [.changed(.alerts, .foreground), .changed(.content, .background(.pause))])
        #expect(focus.handle(.release(.alerts)) == [.changed(.alerts, .none), .changed(.content, .foreground)])
    }

    @Test("a dialog during an alert sends it to the background, lowered, then back")
    func dialogOverAlert() {
        var focus = FocusManager()
        _ = focus.handle(.acquire(.alerts))
        #expect(focus.handle(.acquire(.dialog)) == [.changed(.dialog, .foreground), .changed(.alerts, .background(.duck))])
        #expect(focus.handle(.release(.dialog)) == [.changed(.dialog, .none), .changed(.alerts, .foreground)])
    }

    @Test("an alert that starts during a dialog waits in the background")
    func alertUnderDialog() {
        var focus = FocusManager()
        _ = focus.handle(.acquire(.dialog))
        #expect(focus.handle(.acquire(.alerts)) == [.changed(.alerts, .background(.duck))])
        #expect(focus.handle(.release(.dialog)) == [.changed(.dialog, .none), .changed(.alerts, .foreground)])
    }

    @Test("music that starts under an alert stays paused")
    func contentUnderAlert() {
        var focus = FocusManager()
        _ = focus.handle(.acquire(.alerts))
        #expect(focus.handle(.acquire(.content)) == [.changed(.content, .background(.pause))])
    }

    @Test("all three: music stays paused under a dialog that interrupts an alarm; each comes back in turn")
    func allThree() {
        var focus = FocusManager()
        _ = focus.handle(.acquire(.content))
        _ = focus.handle(.acquire(.alerts))
        #expect(focus.handle(.acquire(.dialog)) == [.changed(.dialog, .foreground), .changed(.alerts, .background(.duck))])
        #expect(focus.level(of: .content) == .background(.pause))
        #expect(focus.handle(.release(.dialog)) == [.changed(.dialog, .none), .changed(.alerts, .foreground)])
        #expect(focus.handle(.release(.alerts)) == [.changed(.alerts, .none), .changed(.content, .foreground)])
    }

    @Test("a background channel released changes only itself")
    func releaseBackground() {
        var focus = FocusManager()
        _ = focus.handle(.acquire(.content))
        _ = focus.handle(.acquire(.dialog))
        #expect(focus.handle(.release(.content)) == [.changed(.content, .none)])
        #expect(focus.foreground == .dialog)
    }

    @Test("acquiring twice or releasing what is not held changes nothing")
    func idempotent() {
        var focus = FocusManager()
        _ = focus.handle(.acquire(.dialog))
        #expect(focus.handle(.acquire(.dialog)) == [])
        #expect(focus.handle(.release(.alerts)) == [])
    }
}
