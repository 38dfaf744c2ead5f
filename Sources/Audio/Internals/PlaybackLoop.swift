import ALSA

/// The write loop, run on the playback thread.
struct PlaybackLoop {
    enum Outcome {
        case drained
        case stopped
    }

    let connection: PCMConnection
    let stream: PlaybackRun
    let volume: VolumeControl
    let statistics: StatisticsCounter

    func run() -> Outcome {
        let channels = stream.format.channels
        let periodFrames = max(1, connection.parameters.periodFrames)
        let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: periodFrames * channels)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0)
        var setting = volume.setting.withLock { $0 }
        var gain = SoftwareVolume(sampleRate: stream.format.sampleRate, volume: setting.volume, muted: setting.muted)
        var audioFrames = 0      // frames of the caller's audio written
        var deviceFrames = 0     // frames written including silence padding
        while true {
            switch stream.ring.take(into: buffer) {
            case .stopped:
                stopAndRecordPosition(audioFrames: audioFrames, deviceFrames: deviceFrames)
                return .stopped
            case .drained:
                try? connection.pcm?.drain()
                stream.playedFrames.store(audioFrames, ordering: .relaxed)
                return .drained
            case .samples(let count):
                // Whole periods only: the last partial one is padded with silence.
                if count < buffer.count {
                    buffer.extracting(count...).update(repeating: 0)
                }
                let latest = volume.setting.withLock { $0 }
                if latest != setting {
                    setting = latest
                    gain.set(volume: setting.volume, muted: setting.muted)
                }
                gain.apply(to: buffer, channels: channels)
                guard write(buffer, frames: periodFrames, channels: channels) else {
                    stopAndRecordPosition(audioFrames: audioFrames, deviceFrames: deviceFrames)
                    return .stopped
                }
                audioFrames += count / channels
                deviceFrames += periodFrames
                statistics.update { $0.frames += count / channels }
                let delay = max(0, (try? connection.pcm?.delay()) ?? 0)
                stream.playedFrames.store(max(0, min(audioFrames, deviceFrames - delay)), ordering: .relaxed)
            }
        }
    }

    /// Barge-in: what the listener heard is what the device took minus what it still holds, read
    /// (`snd_pcm_delay`) just before `snd_pcm_drop` throws the rest away. The position is final
    /// from here on, so a reader waiting for it (`PlaybackEngine.stoppedPlayedFrames`) may go.
    private func stopAndRecordPosition(audioFrames: Int, deviceFrames: Int) {
        if let delay = try? connection.pcm?.delay() {
            stream.playedFrames.store(max(0, min(audioFrames, deviceFrames - max(0, delay))), ordering: .relaxed)
        }
        try? connection.pcm?.drop()
        stream.positionIsFinal.store(true, ordering: .releasing)
    }

    /// Writes one whole period, recovering underruns and reopening a lost device. Returns
    /// `false` when stopped.
    private func write(_ buffer: UnsafeMutableBufferPointer<Int16>, frames: Int, channels: Int) -> Bool {
        let base = UnsafeRawPointer(buffer.baseAddress!)
        var offset = 0
        while offset < frames {
            if stream.stopSignal.isStopped { return false }
            guard let pcm = connection.pcm else { return false }
            do {
                offset += try pcm.write(from: base + offset * 2 * channels, frames: frames - offset)
            } catch {
                guard connection.recover(from: error) else { return false }
            }
        }
        return true
    }
}
