import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

/// How to start a simulator.
public struct SimulatorConfiguration: Sendable {
    /// Address to listen on; loopback by default.
    public var host = "127.0.0.1"
    /// Port; 0 picks a free one.
    public var port = 0
    /// Where the CA (when generated) goes; the recording too unless `recordDirectory` is set.
    public var runDirectory: String
    /// Where events, audio and events.log are written; default `runDirectory`.
    public var recordDirectory: String?
    /// Server certificate, key and CA files; all nil: a CA is generated for the run.
    public var certificateFile: String?
    public var keyFile: String?
    public var caFile: String?
    public var scenario = Scenario()
    /// Echo each `events.log` line to standard error.
    public var echoLog = false
    /// Offer only TLS 1.0 and 1.1, as an outdated server would: a client that keeps to
    /// TLS 1.2 or later must refuse the handshake (the security tests prove Hark does).
    public var legacyTLSOnly = false

    public init(runDirectory: String) {
        self.runDirectory = runDirectory
    }
}

/// The simulator: one TLS listener that speaks HTTP/2 (ALPN h2) and HTTP/1.1 (for LWA
/// clients that prefer it), serving the AVS and LWA endpoints and the control API.
public final class SimulatorServer: Sendable {
    public let state: SimulatorState
    /// The port actually bound.
    public let port: Int
    /// The CA that clients must trust, PEM file.
    public let caPath: String
    public let host: String
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    public var url: String { host.contains(":") ? "https://[\(host)]:\(port)" : "https://\(host):\(port)" }
    /// The line printed when ready; tests and scripts read the port and CA from it.
    public var readyLine: String { "hark-sim: listening on \(url) ca=\(caPath)" }

    public static func start(_ configuration: SimulatorConfiguration) async throws -> SimulatorServer {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: configuration.runDirectory, withIntermediateDirectories: true)
        let tls = try Self.tlsMaterial(configuration)
        let recorder = try Recorder(directory: configuration.recordDirectory ?? configuration.runDirectory,
                                    echo: configuration.echoLog)
        let state = SimulatorState(scenario: configuration.scenario, recorder: recorder)

        var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(tls.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(tls.keyPEM.utf8), format: .pem)))
        tlsConfiguration.applicationProtocols = ["h2", "http/1.1"]
        tlsConfiguration.minimumTLSVersion = .tlsv12
        if configuration.legacyTLSOnly {
            tlsConfiguration.minimumTLSVersion = .tlsv1
            tlsConfiguration.maximumTLSVersion = .tlsv11
        }
        let sslContext = try NIOSSLContext(configuration: tlsConfiguration)

        var connectionConfiguration = NIOHTTP2Handler.ConnectionConfiguration()
        connectionConfiguration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: configuration.scenario.server.maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 16 * 1024),
        ]
        let http2Connection = connectionConfiguration
        let streamConfiguration = NIOHTTP2Handler.StreamConfiguration()

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                state.connectionAccepted()
                if let fault = state.takeFault(.dropAtConnect) {
                    state.recorder.logRequest(method: "-", path: "-", status: 0,
                                              note: "injected fault: \(fault.kind.rawValue)")
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                }.flatMap {
                    channel.configureCommonHTTPServerPipeline(
                        connectionConfiguration: http2Connection,
                        streamConfiguration: streamConfiguration
                    ) { stream in
                        stream.eventLoop.makeCompletedFuture {
                            // The HTTP/2 path put the HTTP/1 codec for streams in front.
                            let operations = stream.pipeline.syncOperations
                            let isHTTP2 = (try? operations.handler(type: HTTP2FramePayloadToHTTP1ServerCodec.self)) != nil
                            try operations.addHandler(StreamHandler(sim: state, isHTTP2: isHTTP2))
                        }
                    }
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)

        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let server = SimulatorServer(
            state: state, port: channel.localAddress?.port ?? configuration.port, caPath: tls.caPath,
            host: configuration.host, group: group, channel: channel)
        server.scheduleTimedFaults()
        return server
    }

    private init(state: SimulatorState, port: Int, caPath: String, host: String,
                 group: MultiThreadedEventLoopGroup, channel: any Channel)
    {
        self.state = state
        self.port = port
        self.caPath = caPath
        self.host = host
        self.group = group
        self.channel = channel
    }

    /// `reject_token` faults armed by time revoke the tokens issued up to then.
    private func scheduleTimedFaults() {
        let state = state
        for delay in state.timedTokenRevocations() {
            channel.eventLoop.scheduleTask(in: .milliseconds(Int64(delay))) {
                state.revokeAccessTokens()
                state.recorder.logRequest(method: "-", path: "-", status: 0, note: "injected fault: access tokens revoked")
            }
        }
    }

    /// Blocks until the listener closes.
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Stops listening, closes every connection and the event loop.
    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    struct TLSMaterial {
        var certificatePEM: String
        var keyPEM: String
        var caPath: String
    }

    private static func tlsMaterial(_ configuration: SimulatorConfiguration) throws -> TLSMaterial {
        if let certificateFile = configuration.certificateFile, let keyFile = configuration.keyFile {
            return TLSMaterial(
                certificatePEM: try String(contentsOfFile: certificateFile, encoding: .utf8),
                keyPEM: try String(contentsOfFile: keyFile, encoding: .utf8),
                caPath: configuration.caFile ?? certificateFile)
        }
        let authority = try TestCertificateAuthority.generate()
        let caPath = (configuration.runDirectory as NSString).appendingPathComponent("ca.pem")
        try Data(authority.caPEM.utf8).write(to: URL(fileURLWithPath: caPath))
        return TLSMaterial(certificatePEM: authority.serverCertificatePEM, keyPEM: authority.serverKeyPEM, caPath: caPath)
    }
}
