// libFuzzer target: directive decoding, DirectiveSequencer and DialogSession
// (Sources/AVS/Directive.swift, Sources/AVS/Agents/**).
//
// The input is a program of steps run against one DialogSession. Each step is an opcode byte,
// then for opcodes that carry text a 16-bit little-endian length and that many bytes:
//
//    0 tap   1 press   2 release   3 stop   4 playbackStarted   5 playbackProgress
//    6 playbackFinished   7 playbackStopped   8 playbackFailed   9 captureStopped
//   10 recognizeFinished  11 captureLimit fired  12 expectSpeechTimeout fired
//   13 userInactivity fired  14 attachmentBegan(text)  15 attachmentEnded(text)
//   16 directive part (text; `"d-0"` in it becomes the current dialogRequestId, so the
//      fuzzer can reach the sequencer's in-dialog paths)
//   17 a well-formed directive from the template table below (next byte picks it)
//   20 connected   21 disconnected   (other values: ignored)
//
// Properties checked after every step (a violation is a crash that libFuzzer reports):
//   - every event the session would send serializes to valid JSON (it quotes fuzz text);
//   - at most one stateChanged per step, and it matches `state`; disconnected means offline;
//   - the sequencer never holds more directives than were fed;
//   - a step returns a bounded number of actions (no runaway follow-up loop).
// A hang is reported by libFuzzer's -timeout.

/// Directives a real AVS sends, with the current dialog filled in.
let directiveTemplates: [(namespace: String, name: String, payload: String)] = [
    ("SpeechSynthesizer", "Speak", #"{"url":"cid:a","format":"AUDIO_MPEG","token":"t"}"#),
    ("SpeechSynthesizer", "Speak", #"{"url":"cid:b","format":"AUDIO_MPEG","token":"u"}"#),
    ("SpeechSynthesizer", "Speak", #"{"url":"https://x","format":"AUDIO_MPEG"}"#),
    ("SpeechRecognizer", "StopCapture", "{}"),
    ("SpeechRecognizer", "ExpectSpeech", #"{"timeoutInMilliseconds":8000}"#),
    ("SpeechRecognizer", "ExpectSpeech", #"{"timeoutInMilliseconds":-1}"#),
    ("Speaker", "SetVolume", #"{"volume":50}"#),
    ("Speaker", "AdjustVolume", #"{"volume":-200}"#),
    ("Speaker", "SetMute", #"{"mute":true}"#),
    ("System", "ResetUserInactivity", "{}"),
    ("System", "SetEndpoint", #"{"endpoint":"https://y"}"#),
    ("Alexa.ApiGateway", "SetGateway", #"{"gateway":""}"#),
    ("Acme", "Unknown", "[]"),
]

struct ProgramReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }
    mutating func text() -> [UInt8] {
        let low = Int(byte() ?? 0), high = Int(byte() ?? 0)
        let end = min(bytes.count, offset + low | high << 8)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

func replacingDialogPlaceholder(_ bytes: [UInt8], with dialog: String?) -> [UInt8] {
    let placeholder = Array(#""d-0""#.utf8)
    guard let dialog, bytes.count >= placeholder.count else { return bytes }
    let replacement = Array("\"\(dialog)\"".utf8)
    var result: [UInt8] = []
    var index = 0
    while index < bytes.count {
        if bytes[index...].starts(with: placeholder) {
            result += replacement
            index += placeholder.count
        } else {
            result.append(bytes[index])
            index += 1
        }
    }
    return result
}

@_cdecl("LLVMFuzzerTestOneInput")
public func dialogSessionFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var program = ProgramReader(bytes: UnsafeBufferPointer(start: data, count: size))
    var session = DialogSession(ids: MessageIDSource(seed: 7))
    var connected = false
    var directivesFed = 0
    var messageNumber = 0

    while let opcode = program.byte() {
        let input: DialogSession.Input
        switch opcode {
        case 0: input = .tap
        case 1: input = .press
        case 2: input = .release
        case 3: input = .stop
        case 4: input = .playbackStarted
        case 5: input = .playbackProgress(offsetInMilliseconds: Int(program.byte() ?? 0) * 100)
        case 6: input = .playbackFinished
        case 7: input = .playbackStopped(offsetInMilliseconds: Int(program.byte() ?? 0) * 100)
        case 8: input = .playbackFailed
        case 9: input = .captureStopped
        case 10: input = .recognizeFinished
        case 11: input = .timerFired(.captureLimit)
        case 12: input = .timerFired(.expectSpeechTimeout)
        case 13: input = .timerFired(.userInactivity)
        case 14: input = .attachmentBegan(contentID: String(decoding: program.text(), as: UTF8.self))
        case 15: input = .attachmentEnded(contentID: String(decoding: program.text(), as: UTF8.self))
        case 16:
            let text = replacingDialogPlaceholder(program.text(), with: session.sequencer.currentDialogRequestId)
            input = .directivePart(text)
            directivesFed += 1
        case 17:
            let template = directiveTemplates[Int(program.byte() ?? 0) % directiveTemplates.count]
            messageNumber += 1
            let dialog = session.sequencer.currentDialogRequestId.map { #","dialogRequestId":"\#($0)""# } ?? ""
            let json = #"{"directive":{"header":{"namespace":"\#(template.namespace)","name":"\#(template.name)","#
                + #""messageId":"m-\#(messageNumber)"\#(dialog)},"payload":\#(template.payload)}}"#
            input = .directivePart(Array(json.utf8))
            directivesFed += 1
        case 20: input = .connectionChanged(connected: true); connected = true
        case 21: input = .connectionChanged(connected: false); connected = false
        default: continue
        }

        let actions = session.handle(input)
        precondition(actions.count < 64, "\(actions.count) actions for one input")
        var stateChanges = 0
        for action in actions {
            switch action {
            case .sendEvent(let event), .sendRecognize(let event):
                let json = event.jsonBytes()
                precondition((try? JSONValue(parsing: json)) != nil,
                             "invalid event JSON: \(String(decoding: json, as: UTF8.self))")
            case .stateChanged(let state):
                stateChanges += 1
                precondition(state == session.state, "reported \(state), session is \(session.state)")
            default:
                break
            }
        }
        precondition(stateChanges <= 1, "\(stateChanges) state changes for one input")
        if !connected { precondition(session.state == .offline, "disconnected but \(session.state)") }
        precondition(session.sequencer.queued.count <= directivesFed, "sequencer holds more than it was fed")
    }
    precondition((try? JSONValue(parsing: session.synchronizeStateEvent().jsonBytes())) != nil,
                 "invalid SynchronizeState JSON")
    return 0
}
