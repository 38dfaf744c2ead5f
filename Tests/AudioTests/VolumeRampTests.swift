import Audio
import Testing

@Suite("Software volume")
struct VolumeRampTests {
    @Test("the curve is cubic: 100 → 1, 50 → 0.125, 0 → 0; out-of-range clamps; mute is 0")
    func curve() {
        #expect(SoftwareVolume.gain(volume: 100, muted: false) == 1)
        #expect(SoftwareVolume.gain(volume: 50, muted: false) == 0.125)
        #expect(SoftwareVolume.gain(volume: 0, muted: false) == 0)
        #expect(SoftwareVolume.gain(volume: 150, muted: false) == 1)
        #expect(SoftwareVolume.gain(volume: -3, muted: false) == 0)
        #expect(SoftwareVolume.gain(volume: 100, muted: true) == 0)
        let steps = (0...100).map { SoftwareVolume.gain(volume: $0, muted: false) }
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("a full-scale change ramps over 15 ms: no step between samples larger than the bound",
          arguments: [(100, 0), (0, 100), (100, 30), (20, 90)])
    func rampHasNoClick(from: Int, to: Int) {
        var volume = SoftwareVolume(sampleRate: 16_000, volume: from)
        #expect(volume.rampFrames == 240)
        let level: Int16 = 30_000
        var samples = [Int16](repeating: level, count: 1000)
        volume.set(volume: to, muted: false)
        volume.apply(to: &samples, channels: 1)
        // A constant signal shows the gain steps themselves; the largest allowed is one
        // 1/240 gain step of full scale, rounded.
        let bound = Int(Double(level) / 240) + 1
        let steps = zip(samples, samples.dropFirst()).map { abs(Int($0) - Int($1)) }
        #expect(steps.max()! <= bound)
        // It does arrive, within the ramp.
        let target = Int16((Double(level) * SoftwareVolume.gain(volume: to, muted: false)).rounded())
        #expect(samples[240...].allSatisfy { $0 == target })
        #expect(volume.gain == volume.targetGain)
    }

    @Test("without the ramp a mute would jump by the full signal; with it the first sample barely moves")
    func rampStartsGently() {
        var volume = SoftwareVolume(sampleRate: 48_000)
        var samples = [Int16](repeating: 20_000, count: 2 * 1000)
        volume.set(volume: 100, muted: true)
        volume.apply(to: &samples, channels: 2)
        #expect(samples[0] > 19_900)
        #expect(samples[0] == samples[1])  // both channels of a frame get the same gain
        #expect(samples.suffix(2 * 100).allSatisfy { $0 == 0 })
    }

    @Test("mute gives zeros once ramped; unmute ramps back up")
    func muteGivesZeros() {
        var volume = SoftwareVolume(sampleRate: 16_000, volume: 80, muted: true)
        var samples = [Int16](repeating: -12_345, count: 500)
        volume.apply(to: &samples, channels: 1)
        #expect(samples.allSatisfy { $0 == 0 })
        volume.set(volume: 80, muted: false)
        var more = [Int16](repeating: -12_345, count: 500)
        volume.apply(to: &more, channels: 1)
        #expect(more[0] > -100)
        #expect(more[499] == Int16((-12_345 * 0.512).rounded()))
    }

    @Test("a volume change during playback reaches the samples without a step larger than the bound")
    func engineRamps() async throws {
        let fake = FakePCMDriver(gatedWrites: true)
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        try engine.begin(format: AudioFormat(sampleRate: 16_000, channels: 1))
        let level: Int16 = 24_000
        // The first period is taken by the thread at volume 100 and waits at the device.
        try await engine.write([Int16](repeating: level, count: 320))
        #expect(eventually { fake.calls.contains(.hardwareParameters) })
        engine.setVolume(0)
        try await engine.write([Int16](repeating: level, count: 320 * 4))
        let finishing = Task { try await engine.finish() }
        for _ in 0..<10 { fake.writeGate!.signal() }
        try await finishing.value
        let out = fake.written
        #expect(out.count == 320 * 5)
        let steps = zip(out, out.dropFirst()).map { abs(Int($0) - Int($1)) }
        #expect(steps.max()! <= Int(Double(level) / 240) + 1)
        #expect(out.suffix(320).allSatisfy { $0 == 0 })
    }
}
