import ALSA
import Audio
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `PCMDriver` that records every call in order and plays scripted results, so the engines'
/// recovery paths run without hardware.
final class FakePCMDriver: Sendable {
    enum Call: Equatable, CustomStringConvertible {
        case open(String, PCMStream)
        case hardwareParameters
        case softwareParameters
        case read
        case write(frames: Int)
        case prepare
        case recover(ALSAError)
        case resume
        case drain
        case drop
        case delay
        case close

        var description: String {
            switch self {
            case .open(let name, let stream): "open(\(name), \(stream))"
            case .write(let frames): "write(\(frames))"
            case .recover(let error): "recover(\(error.symbol ?? "\(error.code)"))"
            default: "\(String(describing: self).split(separator: "(").first ?? "")"
            }
        }
    }

    struct State {
        var calls: [Call] = []
        /// Errors for successive opens; an empty queue means success.
        var openErrors: [ALSAError?] = []
        /// Errors for successive reads (`nil` = a normal read).
        var readErrors: [ALSAError?] = []
        /// Errors for successive writes (`nil` = a normal write).
        var writeErrors: [ALSAError?] = []
        /// Errors for successive resumes (`nil` = success).
        var resumeErrors: [ALSAError?] = []
        /// The next captured sample value: captured audio counts up, so gaps show.
        var nextSample: Int16 = 0
        /// Everything written, in order.
        var written: [Int16] = []
        var channels = 1
        var nextHandle = 1
        var openHandles: Set<Int> = []
        /// The period the fake device chooses, when set (otherwise the one asked for).
        var periodFrames: Int?
        /// A paced device: the buffer size it was given, what it holds, and when it last played.
        var bufferFrames = 0
        var sampleRate = 0
        var queuedFrames = 0
        var lastPlayed: ContinuousClock.Instant?
        /// Frames the paced device played in all; what it had played when dropped; whether it
        /// ever ran dry while more audio was still to come.
        var playedFrames = 0
        var playedWhenDropped = 0
        var underran = false
    }

    let state = Mutex(State())
    /// When set, each write waits for a signal first (a device that takes its time).
    let writeGate: DispatchSemaphore?
    /// Microseconds each read takes, so a capture thread does not spin a core.
    let readMicroseconds: UInt32

    /// When true, the device plays in real time: it holds at most its buffer, a write waits
    /// for room, and `delay` is what it still holds (like a sound card or a sound server).
    let paced: Bool

    init(gatedWrites: Bool = false, readMicroseconds: UInt32 = 200, paced: Bool = false) {
        self.writeGate = gatedWrites ? DispatchSemaphore(value: 0) : nil
        self.readMicroseconds = readMicroseconds
        self.paced = paced
    }

    /// Plays what the paced device holds up to now (from its first write on).
    private static func play(_ state: inout State) {
        let now = ContinuousClock.now
        guard let last = state.lastPlayed else { return }
        let (seconds, attoseconds) = (now - last).components
        let frames = Int(Double(state.sampleRate) * (Double(seconds) + Double(attoseconds) * 1e-18))
        guard frames > 0 else { return }
        if frames > state.queuedFrames { state.underran = true }
        state.playedFrames += min(frames, state.queuedFrames)
        state.queuedFrames -= min(frames, state.queuedFrames)
        state.lastPlayed = now
    }

    /// Waits until the paced device has room for `frames`, then queues them.
    private func queue(_ frames: Int) {
        while true {
            let queued = state.withLock { state -> Bool in
                Self.play(&state)
                guard state.queuedFrames + frames <= max(state.bufferFrames, frames) else { return false }
                if state.lastPlayed == nil { state.lastPlayed = .now }
                state.queuedFrames += frames
                return true
            }
            if queued { return }
            usleep(1000)
        }
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var written: [Int16] { state.withLock { $0.written } }
    var openHandleCount: Int { state.withLock { $0.openHandles.count } }
    var playedWhenDropped: Int { state.withLock { $0.playedWhenDropped } }
    var underran: Bool { state.withLock { $0.underran } }

    func script(_ body: (inout State) -> Void) {
        state.withLock { body(&$0) }
    }

    private func record(_ call: Call) {
        state.withLock { $0.calls.append(call) }
    }

    var driver: PCMDriver {
        PCMDriver(
            open: { name, stream throws(ALSAError) in
                let result: Result<PCMHandle, ALSAError> = self.state.withLock { state in
                    state.calls.append(.open(name, stream))
                    if !state.openErrors.isEmpty, let error = state.openErrors.removeFirst() {
                        return .failure(error)
                    }
                    let handle = state.nextHandle
                    state.nextHandle += 1
                    state.openHandles.insert(handle)
                    return .success(PCMHandle(fake: handle))
                }
                return try result.get()
            },
            setHardwareParameters: { _, wanted throws(ALSAError) in
                self.state.withLock { state in
                    state.calls.append(.hardwareParameters)
                    state.channels = wanted.channels
                    state.bufferFrames = wanted.bufferFrames
                    state.sampleRate = wanted.sampleRate
                    state.queuedFrames = 0
                    state.lastPlayed = nil
                    var chosen = wanted
                    if let period = state.periodFrames { chosen.periodFrames = period }
                    return chosen
                }
            },
            setSoftwareParameters: { _, _ throws(ALSAError) in self.record(.softwareParameters) },
            readInterleaved: { _, buffer, frames throws(ALSAError) in
                if self.readMicroseconds > 0 { usleep(self.readMicroseconds) }
                let error: ALSAError? = self.state.withLock { state in
                    state.calls.append(.read)
                    if !state.readErrors.isEmpty, let error = state.readErrors.removeFirst() { return error }
                    let samples = buffer.assumingMemoryBound(to: Int16.self)
                    for index in 0..<(frames * state.channels) {
                        samples[index] = state.nextSample
                        state.nextSample &+= 1
                    }
                    return nil
                }
                if let error { throw error }
                return frames
            },
            writeInterleaved: { _, buffer, frames throws(ALSAError) in
                self.writeGate?.wait()
                if self.paced { self.queue(frames) }
                let error: ALSAError? = self.state.withLock { state in
                    state.calls.append(.write(frames: frames))
                    if !state.writeErrors.isEmpty, let error = state.writeErrors.removeFirst() { return error }
                    let samples = buffer.assumingMemoryBound(to: Int16.self)
                    state.written.append(contentsOf: UnsafeBufferPointer(start: samples, count: frames * state.channels))
                    return nil
                }
                if let error { throw error }
                return frames
            },
            prepare: { _ throws(ALSAError) in self.record(.prepare) },
            recover: { _, error throws(ALSAError) in self.record(.recover(error)) },
            resume: { _ throws(ALSAError) in
                let error: ALSAError? = self.state.withLock { state in
                    state.calls.append(.resume)
                    return state.resumeErrors.isEmpty ? nil : state.resumeErrors.removeFirst()
                }
                if let error { throw error }
            },
            drain: { _ throws(ALSAError) in self.record(.drain) },
            drop: { _ throws(ALSAError) in
                self.state.withLock { state in
                    state.calls.append(.drop)
                    Self.play(&state)
                    state.playedWhenDropped = state.playedFrames
                }
            },
            delay: { _ throws(ALSAError) in
                self.state.withLock { state in
                    state.calls.append(.delay)
                    Self.play(&state)
                    return state.queuedFrames
                }
            },
            available: { _ throws(ALSAError) in 0 },
            close: { handle throws(ALSAError) in
                self.state.withLock { state in
                    state.calls.append(.close)
                    state.openHandles.remove(Int(bitPattern: UnsafeRawPointer(handle.pointer)))
                }
            }
        )
    }
}

/// Records the backoff sleeps instead of sleeping.
final class RecordedSleeps: Sendable {
    private let sleeps = Mutex<[Duration]>([])
    var all: [Duration] { sleeps.withLock { $0 } }

    var backoff: ReopenBackoff {
        var backoff = ReopenBackoff.standard
        backoff.sleep = { duration in self.sleeps.withLock { $0.append(duration) } }
        return backoff
    }
}

/// A logger that drops everything (tests look at statistics and calls, not log lines).
let quietLogger = Logger(label: "hark.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Polls `condition` every millisecond for up to `seconds`; returns whether it became true.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Double(DispatchTime.now().uptimeNanoseconds) + seconds * 1e9
    while Double(DispatchTime.now().uptimeNanoseconds) < deadline {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

/// A flag one task sets and another reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
