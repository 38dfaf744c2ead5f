import Testing
@testable import AVS

@Suite("AudioPlayer agent")
struct AudioPlayerTests {
    @Test func replaceAllPlaysAtOnceAndReportsStartAndFinish() {
        var rig = PlayerRig()
        #expect(rig.handle(.directive(play("REPLACE_ALL", token: "a"))).played == ["a"])
        #expect(rig.agent.context.payload["playerActivity"] == "PLAYING")
        #expect(rig.handle(.playbackStarted(offsetInMilliseconds: 0)).eventSummary == ["PlaybackStarted(a@0)"])
        #expect(rig.handle(.bufferingComplete).eventSummary == ["PlaybackNearlyFinished(a@0)"])
        _ = rig.handle(.playbackProgress(offsetInMilliseconds: 1500))
        #expect(rig.agent.context.payload["offsetInMilliseconds"] == .number(1500))
        #expect(rig.handle(.playbackFinished(offsetInMilliseconds: 3000)).eventSummary == ["PlaybackFinished(a@3000)"])
        #expect(rig.agent.context.payload == ["token": "a", "offsetInMilliseconds": .number(3000), "playerActivity": "FINISHED"])
    }

    @Test func idleContextIsEmptyTokenAndIdle() {
        let agent = AudioPlayer()
        #expect(agent.context.namespace == "AudioPlayer")
        #expect(agent.context.name == "PlaybackState")
        #expect(agent.context.payload == ["token": "", "offsetInMilliseconds": .number(0), "playerActivity": "IDLE"])
    }

    @Test func enqueuedStreamsPlayInOrder() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        #expect(rig.handle(.directive(play("ENQUEUE", token: "b", previous: "a"))).played.isEmpty)
        #expect(rig.handle(.directive(play("ENQUEUE", token: "c", previous: "b"))).played.isEmpty)
        #expect(rig.agent.queue.map(\.token) == ["b", "c"])
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        let next = rig.handle(.playbackFinished(offsetInMilliseconds: 100))
        #expect(next.eventSummary == ["PlaybackNearlyFinished(a@100)", "PlaybackFinished(a@100)"])
        #expect(next.played == ["b"])
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        #expect(rig.handle(.playbackFinished(offsetInMilliseconds: 50)).played == ["c"])
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        let end = rig.handle(.playbackFinished(offsetInMilliseconds: 70))
        #expect(end.played.isEmpty)
        #expect(rig.agent.playerActivity == .finished)
    }

    @Test func enqueueWithTheWrongPreviousTokenIsIgnored() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        #expect(rig.handle(.directive(play("ENQUEUE", token: "x", previous: "not-a"))).isEmpty)
        #expect(rig.agent.queue.isEmpty)
    }

    @Test func enqueueWhileIdleStartsAtOnce() {
        var rig = PlayerRig()
        #expect(rig.handle(.directive(play("ENQUEUE", token: "a"))).played == ["a"])
    }

    @Test func replaceAllStopsTheCurrentStreamFirst() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        _ = rig.handle(.directive(play("ENQUEUE", token: "b")))
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        let replace = rig.handle(.directive(play("REPLACE_ALL", token: "c")))
        #expect(replace.stops == 1)
        #expect(replace.played.isEmpty)
        #expect(rig.agent.queue.map(\.token) == ["c"])
        let after = rig.handle(.playbackStopped(offsetInMilliseconds: 800))
        #expect(after.eventSummary == ["PlaybackStopped(a@800)"])
        #expect(after.played == ["c"])
    }

    @Test func replaceEnqueuedKeepsTheCurrentStream() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        _ = rig.handle(.directive(play("ENQUEUE", token: "b")))
        let actions = rig.handle(.directive(play("REPLACE_ENQUEUED", token: "c")))
        #expect(actions.isEmpty)
        #expect(rig.agent.current?.item.token == "a")
        #expect(rig.agent.queue.map(\.token) == ["c"])
    }

    @Test func stopReportsWhereItStoppedAndKeepsQuiet() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        _ = rig.handle(.directive(play("ENQUEUE", token: "b")))
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        #expect(rig.handle(.directive(directive("AudioPlayer", "Stop"))).stops == 1)
        #expect(rig.agent.playerActivity == .stopped)
        let stopped = rig.handle(.playbackStopped(offsetInMilliseconds: 1234))
        #expect(stopped.eventSummary == ["PlaybackStopped(a@1234)"])
        #expect(stopped.played.isEmpty)
        #expect(rig.agent.context.payload == ["token": "a", "offsetInMilliseconds": .number(1234), "playerActivity": "STOPPED"])
    }

    @Test func stopBeforeTheFirstSampleSendsNoEvent() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        _ = rig.handle(.directive(directive("AudioPlayer", "Stop")))
        #expect(rig.handle(.playbackStopped(offsetInMilliseconds: 0)).events.isEmpty)
    }

    @Test func clearEnqueuedKeepsPlayingClearAllStops() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        _ = rig.handle(.directive(play("ENQUEUE", token: "b")))
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        let enqueued = rig.handle(.directive(directive("AudioPlayer", "ClearQueue", ["clearBehavior": "CLEAR_ENQUEUED"])))
        #expect(enqueued.eventSummary == ["PlaybackQueueCleared"])
        #expect(enqueued.stops == 0)
        #expect(rig.agent.queue.isEmpty)
        _ = rig.handle(.directive(play("ENQUEUE", token: "c")))
        let all = rig.handle(.directive(directive("AudioPlayer", "ClearQueue", ["clearBehavior": "CLEAR_ALL"])))
        #expect(all.eventSummary == ["PlaybackQueueCleared"])
        #expect(all.stops == 1)
        #expect(rig.handle(.playbackStopped(offsetInMilliseconds: 10)).played.isEmpty)
        #expect(rig.agent.queue.isEmpty)
    }

    @Test func offsetIsPassedToThePlayerAndUsedInReports() {
        var rig = PlayerRig()
        let actions = rig.handle(.directive(play("REPLACE_ALL", token: "a", offset: 42_000, interval: 15_000)))
        guard case .play(let item)? = actions.first else {
            Issue.record("no play action")
            return
        }
        #expect(item.offsetInMilliseconds == 42_000)
        #expect(rig.agent.context.payload["offsetInMilliseconds"] == .number(42_000))
        #expect(rig.handle(.playbackStarted(offsetInMilliseconds: 42_000)).eventSummary == ["PlaybackStarted(a@42000)"])
        // The next interval boundary after 42 s is 45 s: 3 s of playback away.
        #expect(rig.advance(milliseconds: 2_999).isEmpty)
        #expect(rig.advance(milliseconds: 1).eventSummary == ["ProgressReportIntervalElapsed(a@45000)"])
    }

    @Test func progressReportsByDelayAndInterval() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a", delay: 2_500, interval: 1_000)))
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        #expect(rig.pending == [.progressDelay, .progressInterval])
        let reports = rig.advance(milliseconds: 3_000)
        #expect(reports.eventSummary == [
            "ProgressReportIntervalElapsed(a@1000)", "ProgressReportIntervalElapsed(a@2000)",
            "ProgressReportDelayElapsed(a@2500)", "ProgressReportIntervalElapsed(a@3000)",
        ])
        // The delay report comes once.
        #expect(rig.advance(milliseconds: 5_000).eventSummary.filter { $0.hasPrefix("ProgressReportDelay") }.isEmpty)
        _ = rig.handle(.playbackFinished(offsetInMilliseconds: 8_500))
        #expect(rig.pending.isEmpty)
    }

    @Test func noProgressReportsWhilePaused() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a", interval: 1_000)))
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        _ = rig.handle(.playbackProgress(offsetInMilliseconds: 600))
        let pause = rig.handle(.pause)
        #expect(pause.contains(.pause))
        #expect(pause.eventSummary == ["PlaybackPaused(a@600)"])
        #expect(rig.agent.context.payload["playerActivity"] == "PAUSED")
        #expect(rig.advance(milliseconds: 10_000).isEmpty)
        let resume = rig.handle(.resume)
        #expect(resume.contains(.resume))
        #expect(resume.eventSummary == ["PlaybackResumed(a@600)"])
        // 400 ms of playback left to the 1 s report.
        #expect(rig.advance(milliseconds: 400).eventSummary == ["ProgressReportIntervalElapsed(a@1000)"])
    }

    @Test func stutterEventsOnUnderrun() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a", interval: 1_000)))
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        let started = rig.handle(.stutterStarted(offsetInMilliseconds: 700))
        #expect(started.eventSummary == ["PlaybackStutterStarted(a@700)"])
        #expect(rig.agent.context.payload["playerActivity"] == "BUFFER_UNDERRUN")
        #expect(rig.pending.isEmpty)
        let finished = rig.handle(.stutterFinished(offsetInMilliseconds: 700, stutterMilliseconds: 2_300))
        #expect(finished.eventSummary == ["PlaybackStutterFinished(a@700)"])
        #expect(finished.events.first?.payload["stutterDurationInMilliseconds"] == .number(2_300))
        #expect(rig.agent.playerActivity == .playing)
        #expect(rig.pending == [.progressInterval])
    }

    @Test func aStutterInterruptedByAPauseStillEnds() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        _ = rig.handle(.stutterStarted(offsetInMilliseconds: 300))
        #expect(rig.handle(.pause).eventSummary == ["PlaybackPaused(a@300)"])
        #expect(rig.handle(.resume).eventSummary == ["PlaybackResumed(a@300)"])
        #expect(rig.handle(.stutterFinished(offsetInMilliseconds: 300, stutterMilliseconds: 900)).eventSummary
                == ["PlaybackStutterFinished(a@300)"])
        // A stutter end without a start is not reported.
        #expect(rig.handle(.stutterFinished(offsetInMilliseconds: 400, stutterMilliseconds: 10)).isEmpty)
    }

    @Test func failedStreamReportsAndMovesOn() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a")))
        _ = rig.handle(.directive(play("ENQUEUE", token: "b")))
        _ = rig.handle(.playbackStarted(offsetInMilliseconds: 0))
        let failed = rig.handle(.playbackFailed(offsetInMilliseconds: 900, MediaError(.serviceUnavailable, "no bytes for 5 s")))
        #expect(failed.eventSummary == ["PlaybackFailed(a@-)"])
        let payload = failed.events[0].payload
        #expect(payload["error"]?["type"] == "MEDIA_ERROR_SERVICE_UNAVAILABLE")
        #expect(payload["error"]?["message"] == "no bytes for 5 s")
        #expect(payload["currentPlaybackState"] == ["token": "a", "offsetInMilliseconds": .number(900), "playerActivity": "PLAYING"])
        #expect(failed.played == ["b"])
    }

    @Test func nearlyFinishedWaitsForTheStart() {
        var rig = PlayerRig()
        _ = rig.handle(.directive(play("REPLACE_ALL", token: "a", url: "cid:att-1")))
        #expect(rig.handle(.bufferingComplete).isEmpty)
        #expect(rig.handle(.playbackStarted(offsetInMilliseconds: 0)).eventSummary == ["PlaybackStarted(a@0)", "PlaybackNearlyFinished(a@0)"])
        #expect(rig.handle(.playbackFinished(offsetInMilliseconds: 10)).eventSummary == ["PlaybackFinished(a@10)"])
    }

    @Test func attachmentURLNamesTheContentID() {
        var rig = PlayerRig()
        guard case .play(let item)? = rig.handle(.directive(play("REPLACE_ALL", token: "a", url: "cid:att-1"))).first else {
            Issue.record("no play action")
            return
        }
        #expect(item.contentID == "att-1")
    }

    @Test(arguments: [
        JSONValue.object(["audioItem": ["stream": ["url": "https://x/a.mp3", "token": "a"]]]),
        ["playBehavior": "SHUFFLE", "audioItem": ["stream": ["url": "https://x/a.mp3", "token": "a"]]],
        ["playBehavior": "ENQUEUE", "audioItem": ["stream": ["token": "a"]]],
        ["playBehavior": "ENQUEUE", "audioItem": ["stream": ["url": "ftp://x/a.mp3", "token": "a"]]],
        ["playBehavior": "ENQUEUE", "audioItem": ["stream": ["url": "https://x/a.mp3"]]],
        ["playBehavior": "ENQUEUE", "audioItem": ["stream": ["url": "https://x/a.mp3", "token": "a", "offsetInMilliseconds": -5]]],
    ])
    func malformedPlayIsAnsweredWithAnException(payload: JSONValue) {
        var rig = PlayerRig()
        let actions = rig.handle(.directive(directive("AudioPlayer", "Play", payload)))
        #expect(actions.events.map(\.header.qualifiedName) == ["System.ExceptionEncountered"])
        #expect(actions.events.first?.payload["error"]?["type"] == "UNEXPECTED_INFORMATION_RECEIVED")
        #expect(rig.agent.current == nil)
    }

    @Test func unknownDirectiveIsUnsupported() {
        var rig = PlayerRig()
        let actions = rig.handle(.directive(directive("AudioPlayer", "Seek")))
        #expect(actions.events.first?.payload["error"]?["type"] == "UNSUPPORTED_OPERATION")
    }

    @Test func playbackControllerEventsCarryTheContext() {
        var controller = PlaybackController(ids: MessageIDSource(seed: 1))
        let context = [AudioPlayer().context]
        let names = PlaybackController.Command.allCases.map { controller.event(for: $0, context: context) }
        #expect(names.map(\.header.qualifiedName) == [
            "PlaybackController.PlayCommandIssued", "PlaybackController.PauseCommandIssued",
            "PlaybackController.NextCommandIssued", "PlaybackController.PreviousCommandIssued",
        ])
        #expect(names.allSatisfy { $0.context == context && $0.payload == .emptyObject })
        #expect(Set(names.map(\.header.messageId)).count == 4)
    }
}
