/// Volume and mute applied to samples in software, with a short linear gain ramp.
///
/// The curve is cubic, `gain = (volume / 100)³`, the mapping PulseAudio uses for its software
/// volume: loudness is roughly the cube root of amplitude, so equal volume steps sound like
/// equal steps (50 is about -18 dB, 10 is -60 dB, 0 is silence). A change of gain is spread over
/// `rampFrames` frames for a full 0→1 swing (15 ms by default), which is short enough to feel
/// immediate and long enough that the waveform never jumps (a jump is the click).
public struct SoftwareVolume: Sendable {
    /// The gain actually applied to the next frame.
    public private(set) var gain: Double
    /// The gain being ramped towards.
    public private(set) var targetGain: Double
    /// Frames a full-scale ramp (0 to 1) takes; smaller changes take proportionally fewer.
    public let rampFrames: Int

    /// The linear gain for a volume 0...100 (clamped) on the cubic curve; 0 when muted.
    public static func gain(volume: Int, muted: Bool) -> Double {
        if muted { return 0 }
        let level = Double(min(100, max(0, volume))) / 100
        return level * level * level
    }

    public init(sampleRate: Int, volume: Int = 100, muted: Bool = false, ramp: Duration = .milliseconds(15)) {
        let gain = Self.gain(volume: volume, muted: muted)
        self.gain = gain
        self.targetGain = gain
        let (seconds, attoseconds) = ramp.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        self.rampFrames = max(1, Int(Double(sampleRate) * milliseconds / 1000))
    }

    /// Sets the target; the gain reaches it over the following frames.
    public mutating func set(volume: Int, muted: Bool) {
        targetGain = Self.gain(volume: volume, muted: muted)
    }

    /// Scales interleaved `samples` in place, ramping the gain one step per frame.
    public mutating func apply(to samples: UnsafeMutableBufferPointer<Int16>, channels: Int) {
        if gain == targetGain {
            if gain == 1 { return }
            if gain == 0 {
                samples.update(repeating: 0)
                return
            }
        }
        let channels = max(1, channels)
        let step = 1 / Double(rampFrames)
        var index = 0
        while index + channels <= samples.count {
            if gain < targetGain {
                gain = min(targetGain, gain + step)
            } else if gain > targetGain {
                gain = max(targetGain, gain - step)
            }
            for channel in 0..<channels {
                let scaled = (Double(samples[index + channel]) * gain).rounded()
                samples[index + channel] = Int16(max(-32768, min(32767, scaled)))
            }
            index += channels
        }
    }

    /// Scales interleaved `samples` in place.
    public mutating func apply(to samples: inout [Int16], channels: Int) {
        samples.withUnsafeMutableBufferPointer { apply(to: $0, channels: channels) }
    }
}
