import Testing
@testable import AVS

@Suite("Directive sequencer")
struct DirectiveSequencerTests {
    @Test("a directive of another dialog is dropped; one without a dialog id is taken")
    func filtering() {
        var sequencer = DirectiveSequencer()
        let stray = directive("Speaker", "SetVolume", dialog: "old", ["volume": 10])
        #expect(sequencer.handle(.directive(stray)) == [.drop(stray)])
        _ = sequencer.handle(.newDialog("d1"))
        #expect(sequencer.handle(.directive(stray)) == [.drop(stray)])
        let free = directive("Speaker", "SetMute", ["mute": true])
        #expect(sequencer.handle(.directive(free)) == [.dispatch(free)])
        let empty = directive("Speaker", "SetMute", dialog: "", ["mute": true])
        #expect(sequencer.handle(.directive(empty)) == [.dispatch(empty)])
        let mine = directive("Speaker", "SetVolume", dialog: "d1", ["volume": 10])
        #expect(sequencer.handle(.directive(mine)) == [.dispatch(mine)])
    }

    @Test("Speak blocks the rest of its dialog until its playback ends")
    func speakBlocks() {
        var sequencer = DirectiveSequencer()
        _ = sequencer.handle(.newDialog("d1"))
        let first = speak(dialog: "d1", id: "s1")
        let expect = directive("SpeechRecognizer", "ExpectSpeech", dialog: "d1", id: "e1", ["timeoutInMilliseconds": 8000])
        let second = speak(dialog: "d1", id: "s2")
        let after = directive("Speaker", "SetVolume", dialog: "d1", id: "v1", ["volume": 5])
        #expect(sequencer.handle(.directive(first)) == [.dispatch(first)])
        #expect(sequencer.handle(.directive(expect)) == [])
        #expect(sequencer.handle(.directive(second)) == [])
        #expect(sequencer.handle(.directive(after)) == [])
        // Directives outside any dialog are not held up.
        let free = directive("Speaker", "SetMute", ["mute": false])
        #expect(sequencer.handle(.directive(free)) == [.dispatch(free)])
        // An unrelated completion changes nothing.
        #expect(sequencer.handle(.completed(messageId: "other")) == [])
        // The first Speak ends: release up to and including the next Speak.
        #expect(sequencer.handle(.completed(messageId: "s1")) == [.dispatch(expect), .dispatch(second)])
        #expect(sequencer.queued == [after])
        #expect(sequencer.handle(.completed(messageId: "s2")) == [.dispatch(after)])
        #expect(sequencer.queued == [])
    }

    @Test("a new dialog clears the blocked directives of the old one")
    func newDialogClears() {
        var sequencer = DirectiveSequencer()
        _ = sequencer.handle(.newDialog("d1"))
        _ = sequencer.handle(.directive(speak(dialog: "d1", id: "s1")))
        _ = sequencer.handle(.directive(directive("SpeechRecognizer", "ExpectSpeech", dialog: "d1", ["timeoutInMilliseconds": 1])))
        #expect(sequencer.queued.count == 1)
        _ = sequencer.handle(.newDialog("d2"))
        #expect(sequencer.queued.isEmpty)
        #expect(sequencer.currentDialogRequestId == "d2")
        // The old Speak's late end does not release anything, and the new dialog is open.
        #expect(sequencer.handle(.completed(messageId: "s1")) == [])
        let next = speak(dialog: "d2", id: "s2")
        #expect(sequencer.handle(.directive(next)) == [.dispatch(next)])
        let old = directive("Speaker", "SetVolume", dialog: "d1", ["volume": 1])
        #expect(sequencer.handle(.directive(old)) == [.drop(old)])
    }
}
