import Foundation

/// Directives and error bodies the simulator sends, shaped as AVS v20160207 shapes them.
public enum SimDirectives {
    /// `{"directive":{"header":{...},"payload":{...}}}`; `dialogRequestId` only when given.
    public static func directive(
        namespace: String, name: String, dialogRequestId: String? = nil, payload: SimJSON
    ) -> SimJSON {
        var header: [String: SimJSON] = [
            "namespace": .string(namespace),
            "name": .string(name),
            "messageId": .string(UUID().uuidString.lowercased()),
        ]
        if let dialogRequestId { header["dialogRequestId"] = .string(dialogRequestId) }
        return ["directive": ["header": .object(header), "payload": payload]]
    }

    /// `SpeechSynthesizer.Speak` referring to an attachment by `cid:`.
    public static func speak(dialogRequestId: String?, contentID: String, token: String) -> SimJSON {
        directive(namespace: "SpeechSynthesizer", name: "Speak", dialogRequestId: dialogRequestId, payload: [
            "url": .string("cid:\(contentID)"), "format": "AUDIO_MPEG", "token": .string(token),
        ])
    }

    /// `SpeechRecognizer.ExpectSpeech`; the initiator is opaque to the client, which echoes it.
    public static func expectSpeech(dialogRequestId: String?, timeoutMilliseconds: Int, initiator: SimJSON?) -> SimJSON {
        var payload: [String: SimJSON] = ["timeoutInMilliseconds": .number(Double(timeoutMilliseconds))]
        if let initiator { payload["initiator"] = initiator }
        return directive(namespace: "SpeechRecognizer", name: "ExpectSpeech", dialogRequestId: dialogRequestId,
                         payload: .object(payload))
    }

    /// `SpeechRecognizer.StopCapture`, sent on the downchannel while the upload is open.
    public static func stopCapture(dialogRequestId: String?) -> SimJSON {
        directive(namespace: "SpeechRecognizer", name: "StopCapture", dialogRequestId: dialogRequestId, payload: [:])
    }

    public static func setVolume(_ volume: Int, dialogRequestId: String?) -> SimJSON {
        directive(namespace: "Speaker", name: "SetVolume", dialogRequestId: dialogRequestId,
                  payload: ["volume": .number(Double(volume))])
    }

    public static func adjustVolume(_ delta: Int, dialogRequestId: String?) -> SimJSON {
        directive(namespace: "Speaker", name: "AdjustVolume", dialogRequestId: dialogRequestId,
                  payload: ["volume": .number(Double(delta))])
    }

    public static func setMute(_ mute: Bool, dialogRequestId: String?) -> SimJSON {
        directive(namespace: "Speaker", name: "SetMute", dialogRequestId: dialogRequestId,
                  payload: ["mute": .bool(mute)])
    }

    /// The JSON body of a non-2xx AVS answer.
    public static func exception(code: String, description: String) -> SimJSON {
        [
            "header": ["namespace": "System", "name": "Exception", "messageId": .string(UUID().uuidString.lowercased())],
            "payload": ["code": .string(code), "description": .string(description)],
        ]
    }

    /// The exception code AVS pairs with an HTTP status.
    public static func exceptionCode(status: Int) -> String {
        switch status {
        case 400: "INVALID_REQUEST_EXCEPTION"
        case 403: "UNAUTHORIZED_REQUEST_EXCEPTION"
        case 429: "THROTTLING_EXCEPTION"
        default: "INTERNAL_SERVICE_EXCEPTION"
        }
    }
}
