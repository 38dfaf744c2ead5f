/// The alert sound made on the device, for when the cloud's assets cannot be fetched (no
/// network, no AVS): four short 880 Hz beeps and a pause, about 1.5 s per cycle, 16 kHz mono.
/// Generated rather than shipped as a file, so an alarm can never be missing its sound.
public enum AlertTone {
    public static let sampleRate = 16_000

    /// One cycle of the tone; played back to back until the alert stops.
    public static func cycle(amplitude: Double = 0.5) -> [Int16] {
        let beep = sampleRate / 10, gap = sampleRate / 10, pause = sampleRate * 7 / 10
        let ramp = sampleRate / 200
        var samples: [Int16] = []
        samples.reserveCapacity(4 * (beep + gap) + pause)
        for _ in 0..<4 {
            for index in 0..<beep {
                // A 5 ms fade in and out keeps the beep from clicking.
                let edge = min(index, beep - 1 - index)
                let envelope = edge < ramp ? Double(edge) / Double(ramp) : 1
                let value = sine(2 * Double.pi * 880 * Double(index) / Double(sampleRate))
                samples.append(Int16(value * envelope * amplitude * Double(Int16.max)))
            }
            samples += repeatElement(0, count: gap)
        }
        samples += repeatElement(0, count: pause)
        return samples
    }

    /// Seconds one cycle lasts.
    public static var cycleDuration: Duration {
        .milliseconds(cycle().count * 1000 / sampleRate)
    }

    /// sin(x) for 0 ≤ x < 2π·880 without Foundation: reduce to [-π, π], then a Taylor series
    /// to the 11th power (error below 1e-4, inaudible at 16 bits).
    static func sine(_ x: Double) -> Double {
        let twoPi = 2 * Double.pi
        var reduced = x - (x / twoPi).rounded(.down) * twoPi
        if reduced > Double.pi { reduced -= twoPi }
        let square = reduced * reduced
        var term = reduced, sum = reduced
        for n in stride(from: 2, through: 10, by: 2) {
            term *= -square / Double(n * (n + 1))
            sum += term
        }
        return sum
    }
}
