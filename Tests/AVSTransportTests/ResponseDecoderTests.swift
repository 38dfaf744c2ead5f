import AVS
import Curl
import Foundation
import Testing

@testable import AVSTransport

@Suite struct ResponseDecoderTests {
    let multipart = HTTPResponseHead(status: 200, contentType: "multipart/related; boundary=B; type=\"application/json\"")

    func parts(_ outputs: [ResponseDecoder.Output]) -> [ResponsePart] {
        outputs.flatMap { output -> [ResponsePart] in
            if case .parts(let parts) = output { return parts }
            return []
        }
    }

    @Test func multipartPartsArriveAsTheyCompleteAndAttachmentsStream() {
        var decoder = ResponseDecoder()
        _ = decoder.consume(.head(multipart))
        let json = #"{"directive":{"header":{"namespace":"SpeechSynthesizer","name":"Speak","messageId":"1"},"payload":{}}}"#
        var produced = parts(decoder.consume(.body(Array("--B\r\nContent-Type: application/json\r\n\r\n\(json)\r\n--B\r\n".utf8))))
        #expect(produced == [.directive(Array(json.utf8))])
        produced = parts(decoder.consume(.body(Array("Content-Type: application/octet-stream\r\nContent-ID: <a1>\r\n\r\nID3abc".utf8))))
        #expect(produced.first == .attachmentBegan(contentID: "a1"))
        #expect(produced.contains { if case .attachmentData("a1", _) = $0 { true } else { false } })
        let end = decoder.consume(.body(Array("def\r\n--B--\r\n".utf8))) + decoder.consume(.end(.success(TransferMetrics(newConnections: 0))))
        #expect(parts(end).last == .attachmentEnded(contentID: "a1"))
    }

    @Test func errorBodyIsKeptToFourKilobytes() {
        var decoder = ResponseDecoder()
        _ = decoder.consume(.head(HTTPResponseHead(status: 503, contentType: "application/json")))
        _ = decoder.consume(.body([UInt8](repeating: UInt8(ascii: "x"), count: 3000)))
        _ = decoder.consume(.body([UInt8](repeating: UInt8(ascii: "y"), count: 3000)))
        #expect(decoder.errorBody.count == 4096)
    }

    @Test func truncatedEventResponseIsMalformedButATruncatedDownchannelIsNot() {
        for (requires, expectMalformed) in [(true, true), (false, false)] {
            var decoder = ResponseDecoder(requiresClosingBoundary: requires)
            _ = decoder.consume(.head(multipart))
            _ = decoder.consume(.body(Array("\r\n--B\r\nContent-Type: application/json\r\n\r\n{}".utf8)))
            let outputs = decoder.consume(.end(.success(TransferMetrics(newConnections: 0))))
            let malformed = outputs.contains { if case .malformed = $0 { true } else { false } }
            #expect(malformed == expectMalformed)
        }
    }

    @Test func endWithTransferErrorMapsToTheStateMachineInputs() {
        #expect(ConnectionStateMachine.Input.downchannel(.end(.failure(.http2Stream))) == .downchannelEnded(.http2Stream))
        #expect(ConnectionStateMachine.Input.downchannel(.end(.success(TransferMetrics(newConnections: 1)))) == .downchannelEnded(nil))
        #expect(ConnectionStateMachine.Input.downchannel(.head(HTTPResponseHead(status: 403))) == .downchannelResponded(status: 403))
        #expect(RequestOutcome(head: HTTPResponseHead(status: 204), .success(TransferMetrics(newConnections: 0))) == .status(204))
    }
}

@Suite struct EndpointTests {
    func directive(_ namespace: String, _ name: String, _ payload: JSONValue) -> Directive {
        Directive(header: MessageHeader(namespace: namespace, name: name, messageId: "m"), payload: payload)
    }

    @Test func gatewayAndLegacyEndpointDirectivesAreRecognised() {
        #expect(PartSink.newEndpoint(in: directive("Alexa.ApiGateway", "SetGateway", ["gateway": "https://alexa.eu.gateway.devices.a2z.com"]))
            == "https://alexa.eu.gateway.devices.a2z.com")
        #expect(PartSink.newEndpoint(in: directive("System", "SetEndpoint", ["endpoint": "https://avs-alexa-fe.amazon.com"]))
            == "https://avs-alexa-fe.amazon.com")
        #expect(PartSink.newEndpoint(in: directive("Speaker", "SetVolume", ["volume": 10])) == nil)
    }

    @Test func onlyHTTPSEndpointsAreStoredAndLoaded() throws {
        #expect(EndpointStore.isAcceptable("https://alexa.na.gateway.devices.a2z.com"))
        #expect(!EndpointStore.isAcceptable("http://alexa.na.gateway.devices.a2z.com"))
        #expect(!EndpointStore.isAcceptable("https://"))
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = EndpointStore(directory: directory)
        #expect(store.load() == nil)
        try store.save("https://alexa.fe.gateway.devices.a2z.com")
        #expect(store.load() == "https://alexa.fe.gateway.devices.a2z.com")
        try "http://downgrade.example\n".write(toFile: store.path, atomically: true, encoding: .utf8)
        #expect(store.load() == nil)
    }

    @Test func formEncodingEscapesEverythingButUnreservedCharacters() {
        #expect(formURLEncoded([("scope", "alexa:all"), ("scope_data", #"{"a b":"c&d"}"#)])
            == "scope=alexa%3Aall&scope_data=%7B%22a%20b%22%3A%22c%26d%22%7D")
    }
}
