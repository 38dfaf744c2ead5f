/// An event the simulator accepted, with what it needs to answer it.
public struct ReceivedEvent: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var messageId: String
    public var dialogRequestId: String?
    public var payload: SimJSON
    public var context: [SimJSON]?
    /// The whole metadata document.
    public var json: SimJSON

    public var qualifiedName: String { "\(namespace).\(name)" }
    public var isRecognize: Bool { namespace == "SpeechRecognizer" && name == "Recognize" }
}

/// Checks event metadata as strictly as AVS does: the envelope, header fields and the
/// payload shapes of the events AVS documents. A failure is a 400 with its description.
public enum EventValidator {
    public static let recognizeProfiles: Set<String> = ["CLOSE_TALK", "NEAR_FIELD", "FAR_FIELD"]
    public static let recognizeFormats: Set<String> = ["AUDIO_L16_RATE_16000_CHANNELS_1", "OPUS"]
    public static let initiatorTypes: Set<String> = ["PRESS_AND_HOLD", "TAP", "WAKEWORD"]
    static let playerActivities: Set<String> = ["IDLE", "PLAYING", "PAUSED", "BUFFER_UNDERRUN", "FINISHED", "STOPPED"]
    static let mediaErrorTypes: Set<String> = [
        "MEDIA_ERROR_UNKNOWN", "MEDIA_ERROR_INVALID_REQUEST", "MEDIA_ERROR_SERVICE_UNAVAILABLE",
        "MEDIA_ERROR_INTERNAL_SERVER_ERROR", "MEDIA_ERROR_INTERNAL_DEVICE_ERROR",
    ]
    /// Events that must carry the full context (EventBuilder.cpp); ExceptionEncountered
    /// carries an empty list.
    static let contextRequired: Set<String> = [
        "System.SynchronizeState", "SpeechRecognizer.Recognize", "System.ExceptionEncountered",
    ]

    /// Validates a metadata part. `expectedInitiator` is the initiator of the last
    /// ExpectSpeech the simulator sent: a Recognize may echo it instead of a standard one.
    public static func validate(_ bytes: [UInt8], expectedInitiator: SimJSON? = nil) -> Result<ReceivedEvent, FormDataError> {
        guard let json = SimJSON.parse(bytes) else { return .failure(FormDataError("metadata is not valid JSON")) }
        do throws(FormDataError) {
            return .success(try validate(json, expectedInitiator: expectedInitiator))
        } catch {
            return .failure(error)
        }
    }

    static func validate(_ json: SimJSON, expectedInitiator: SimJSON?) throws(FormDataError) -> ReceivedEvent {
        guard let top = json.objectValue else { throw FormDataError("metadata is not a JSON object") }
        for key in top.keys where key != "event" && key != "context" {
            throw FormDataError("unexpected top-level key '\(key)'")
        }
        guard let event = top["event"]?.objectValue else { throw FormDataError("missing 'event' object") }
        for key in event.keys where key != "header" && key != "payload" {
            throw FormDataError("unexpected key 'event.\(key)'")
        }
        guard let header = event["header"]?.objectValue else { throw FormDataError("missing 'event.header' object") }
        guard let payload = event["payload"], payload.objectValue != nil else {
            throw FormDataError("missing 'event.payload' object (an empty payload is {})")
        }
        for key in header.keys where !["namespace", "name", "messageId", "dialogRequestId"].contains(key) {
            throw FormDataError("unexpected key 'event.header.\(key)'")
        }
        let namespace = try nonEmptyString(header["namespace"], "event.header.namespace")
        let name = try nonEmptyString(header["name"], "event.header.name")
        let messageId = try nonEmptyString(header["messageId"], "event.header.messageId")
        var dialogRequestId: String?
        if let value = header["dialogRequestId"] {
            dialogRequestId = try nonEmptyString(value, "event.header.dialogRequestId")
        }
        var context: [SimJSON]?
        if let value = top["context"] {
            guard let entries = value.arrayValue else { throw FormDataError("'context' is not an array") }
            for (index, entry) in entries.enumerated() { try validateContextEntry(entry, index: index) }
            context = entries
        }
        let received = ReceivedEvent(
            namespace: namespace, name: name, messageId: messageId, dialogRequestId: dialogRequestId,
            payload: payload, context: context, json: json)
        if contextRequired.contains(received.qualifiedName) && context == nil {
            throw FormDataError("\(received.qualifiedName) must carry 'context'")
        }
        try validatePayload(received, expectedInitiator: expectedInitiator)
        return received
    }

    static func validateContextEntry(_ entry: SimJSON, index: Int) throws(FormDataError) {
        guard let object = entry.objectValue else { throw FormDataError("context[\(index)] is not an object") }
        for key in object.keys where key != "header" && key != "payload" {
            throw FormDataError("unexpected key 'context[\(index)].\(key)'")
        }
        guard let header = object["header"]?.objectValue else { throw FormDataError("context[\(index)] has no header") }
        _ = try nonEmptyString(header["namespace"], "context[\(index)].header.namespace")
        _ = try nonEmptyString(header["name"], "context[\(index)].header.name")
        guard object["payload"]?.objectValue != nil else { throw FormDataError("context[\(index)] has no payload object") }
    }

    /// Payload shapes of the documented events; unknown events pass with any object payload.
    static func validatePayload(_ event: ReceivedEvent, expectedInitiator: SimJSON?) throws(FormDataError) {
        let payload = event.payload
        switch event.qualifiedName {
        case "SpeechRecognizer.Recognize":
            guard event.dialogRequestId != nil else { throw FormDataError("Recognize without dialogRequestId") }
            let profile = try nonEmptyString(payload["profile"], "payload.profile")
            guard recognizeProfiles.contains(profile) else { throw FormDataError("unknown profile '\(profile)'") }
            let format = try nonEmptyString(payload["format"], "payload.format")
            guard recognizeFormats.contains(format) else { throw FormDataError("unknown format '\(format)'") }
            guard let initiator = payload["initiator"] else { throw FormDataError("Recognize without initiator") }
            if let expectedInitiator, initiator == expectedInitiator { return }
            guard let type = initiator["type"]?.stringValue, initiatorTypes.contains(type) else {
                throw FormDataError("initiator.type must be PRESS_AND_HOLD, TAP or WAKEWORD (or the ExpectSpeech initiator echoed)")
            }
            if let initiatorPayload = initiator["payload"], initiatorPayload.objectValue == nil {
                throw FormDataError("initiator.payload is not an object")
            }
            if type == "WAKEWORD" {
                guard let indices = initiator["payload"]?["wakeWordIndices"],
                      indices["startIndexInSamples"]?.numberValue != nil,
                      indices["endIndexInSamples"]?.numberValue != nil
                else { throw FormDataError("WAKEWORD initiator without wakeWordIndices") }
            }
        case "SpeechSynthesizer.SpeechStarted", "SpeechSynthesizer.SpeechFinished":
            _ = try string(payload["token"], "payload.token")
        case "SpeechSynthesizer.SpeechInterrupted":
            _ = try string(payload["token"], "payload.token")
            _ = try number(payload["offsetInMilliseconds"], "payload.offsetInMilliseconds")
        case "Speaker.VolumeChanged", "Speaker.MuteChanged":
            let volume = try number(payload["volume"], "payload.volume")
            guard (0...100).contains(volume) else { throw FormDataError("payload.volume \(volume) out of 0...100") }
            guard payload["muted"]?.boolValue != nil else { throw FormDataError("payload.muted is not a boolean") }
        case "AudioPlayer.PlaybackFailed":
            _ = try nonEmptyString(payload["token"], "payload.token")
            guard let state = payload["currentPlaybackState"] else { throw FormDataError("payload.currentPlaybackState missing") }
            _ = try string(state["token"], "payload.currentPlaybackState.token")
            _ = try number(state["offsetInMilliseconds"], "payload.currentPlaybackState.offsetInMilliseconds")
            let activity = try string(state["playerActivity"], "payload.currentPlaybackState.playerActivity")
            guard playerActivities.contains(activity) else { throw FormDataError("unknown playerActivity '\(activity)'") }
            let type = try nonEmptyString(payload["error"]?["type"], "payload.error.type")
            guard mediaErrorTypes.contains(type) else { throw FormDataError("unknown payload.error.type '\(type)'") }
            _ = try string(payload["error"]?["message"], "payload.error.message")
        case "AudioPlayer.PlaybackQueueCleared":
            break
        case "AudioPlayer.PlaybackStutterFinished":
            _ = try nonEmptyString(payload["token"], "payload.token")
            _ = try number(payload["offsetInMilliseconds"], "payload.offsetInMilliseconds")
            _ = try number(payload["stutterDurationInMilliseconds"], "payload.stutterDurationInMilliseconds")
        case _ where event.namespace == "AudioPlayer":
            // Started, NearlyFinished, Finished, Stopped, Paused, Resumed, progress, StutterStarted.
            _ = try nonEmptyString(payload["token"], "payload.token")
            _ = try number(payload["offsetInMilliseconds"], "payload.offsetInMilliseconds")
        case _ where event.namespace == "PlaybackController":
            guard event.context != nil else { throw FormDataError("\(event.qualifiedName) must carry 'context'") }
        case "System.UserInactivityReport":
            _ = try number(payload["inactiveTimeInSeconds"], "payload.inactiveTimeInSeconds")
        case "System.ExceptionEncountered":
            _ = try string(payload["unparsedDirective"], "payload.unparsedDirective")
            guard let error = payload["error"] else { throw FormDataError("payload.error missing") }
            let type = try nonEmptyString(error["type"], "payload.error.type")
            guard ["UNSUPPORTED_OPERATION", "UNEXPECTED_INFORMATION_RECEIVED", "INTERNAL_ERROR"].contains(type) else {
                throw FormDataError("unknown payload.error.type '\(type)'")
            }
            _ = try string(error["message"], "payload.error.message")
        default:
            break
        }
    }

    static func nonEmptyString(_ value: SimJSON?, _ path: String) throws(FormDataError) -> String {
        let text = try string(value, path)
        guard !text.isEmpty else { throw FormDataError("'\(path)' is empty") }
        return text
    }

    static func string(_ value: SimJSON?, _ path: String) throws(FormDataError) -> String {
        guard let value else { throw FormDataError("'\(path)' missing") }
        guard let text = value.stringValue else { throw FormDataError("'\(path)' is not a string") }
        return text
    }

    static func number(_ value: SimJSON?, _ path: String) throws(FormDataError) -> Double {
        guard let value else { throw FormDataError("'\(path)' missing") }
        guard let number = value.numberValue else { throw FormDataError("'\(path)' is not a number") }
        return number
    }
}
