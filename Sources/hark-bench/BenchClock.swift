#if canImport(Glibc)
import Glibc
#endif

/// Wall time and CPU time of one measured stretch.
struct Measurement {
    /// Seconds of audio processed.
    var audioSeconds: Double
    /// Elapsed wall-clock seconds.
    var wallSeconds: Double
    /// CPU seconds (user + system) spent by whatever `CPUClock` counted.
    var cpuSeconds: Double

    /// Audio seconds per wall second: how many times faster than real time.
    var realTimeFactor: Double { audioSeconds / wallSeconds }
    /// Audio seconds per CPU second; unlike the wall figure, not lowered by other processes
    /// taking turns on the same cores.
    var cpuRealTimeFactor: Double { audioSeconds / cpuSeconds }
    /// CPU seconds per audio second, as a fraction of one core.
    var coreShare: Double { cpuSeconds / audioSeconds }
}

/// CPU time from `getrusage`: the calling thread (RUSAGE_THREAD, for a codec loop on one
/// thread) or the whole process (RUSAGE_SELF, for capture, whose work is on the engine's
/// thread and the ALSA plugin's threads).
enum CPUClock {
    case thread, process

    func now() -> Double {
        var usage = rusage()
        // RUSAGE_THREAD (1) is Linux-only and hidden behind _GNU_SOURCE in the imported header.
        let who = self == .thread ? __rusage_who_t(1) : __rusage_who_t(RUSAGE_SELF.rawValue)
        _ = getrusage(who, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Runs `body` and measures it; `body` returns the seconds of audio it processed.
func measure(cpu: CPUClock = .thread, _ body: () throws -> Double) rethrows -> Measurement {
    let clock = ContinuousClock()
    let cpuStart = cpu.now()
    let start = clock.now
    let audio = try body()
    let wall = clock.now - start
    let cpuSeconds = cpu.now() - cpuStart
    let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
    return Measurement(audioSeconds: audio, wallSeconds: wallSeconds, cpuSeconds: cpuSeconds)
}
