import Foundation
import MosaicAPI
import Testing

@testable import MosaicStore

@Suite struct TransitionTests {
    @Test func submitStoresEveryFieldAsGiven() throws {
        let fixture = try StoreFixture()
        let spec = RenderSpec(
            prompt: "a 'quoted' prompt; DROP TABLE jobs; --", negativePrompt: "blur", model: "sd15", width: 8192,
            height: 4096, steps: 30, sampler: "dpmpp_2m", guidance: 7.3, seed: UInt64.max - 5, tiling: "shifted",
            tileSize: 96, tileOverlap: 16, tileWeighting: "gaussian", lossless: true, quality: 87.5)
        let created = Date(timeIntervalSince1970: 1_750_000_000.1234)  // sub-millisecond on purpose
        let job = try fixture.store.submit(spec, priority: -7, owner: StoreFixture.bob, now: created)
        #expect(job.state == .queued && job.priority == -7 && job.owner == StoreFixture.bob && job.attempts == 0)
        #expect(job.render == spec)
        #expect(abs(job.createdAt.timeIntervalSince(created)) < 0.001)
        #expect(job.startedAt == nil && job.finishedAt == nil && job.progress == nil && job.checkpointStep == nil)
        #expect(try fixture.store.job(id: job.id) == job)
        #expect(try fixture.store.job(id: job.id + 1) == nil)
        // The minimal spec keeps its absent fields absent.
        let bare = try fixture.store.submit(
            RenderSpec(prompt: "x"), priority: 0, owner: StoreFixture.alice, now: fixture.now)
        #expect(bare.render == RenderSpec(prompt: "x"))
    }

    @Test func aJobLivesThroughProgressCheckpointsAndFinish() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let running = try fixture.make(.running)
        #expect(running.attempts == 1 && running.startedAt == fixture.now && running.progress == nil)
        let progress = JobProgress(
            step: 3, steps: 20, tilesDone: 5, tilesTotal: 12, elapsedSeconds: 41.5, etaSeconds: 230.25)
        try store.updateProgress(id: running.id, progress: progress)
        try store.recordCheckpoint(id: running.id, step: 3)
        var job = try #require(try store.job(id: running.id))
        #expect(job.progress == progress && job.checkpointStep == 3)
        try store.updateProgress(id: running.id, progress: JobProgress(step: 4, steps: 20))
        #expect(try store.job(id: running.id)?.progress == JobProgress(step: 4, steps: 20))

        job = try store.finish(id: running.id, state: .succeeded, outputPath: "/out/1.webp", now: fixture.tick())
        #expect(job.state == .succeeded && job.finishedAt == fixture.now && job.outputPath == "/out/1.webp")
        #expect(job.progress == JobProgress(step: 4, steps: 20))  // the last progress stays visible
        #expect(try store.job(id: job.id) == job)
    }

    @Test func finishRecordsErrorsAndCancelers() throws {
        let fixture = try StoreFixture()
        let failed = try fixture.store.finish(
            id: try fixture.make(.running).id, state: .failed, error: "NaN in latent", now: fixture.tick())
        #expect(failed.state == .failed && failed.error == "NaN in latent" && failed.outputPath == nil)
        let canceled = try fixture.store.finish(
            id: try fixture.make(.running).id, state: .canceled, canceledBy: StoreFixture.bob, now: fixture.tick())
        #expect(canceled.state == .canceled && canceled.canceledBy == StoreFixture.bob)
    }

    @Test func aFinishAndItsLogLineCommitTogether() throws {
        let fixture = try StoreFixture()
        let running = try fixture.make(.running)
        let line = LogLine(
            time: fixture.now, level: .info, message: "rendered in 1.0 s to /out/1.webp",
            event: .rendered(seconds: 1, outputPath: "/out/1.webp"))
        _ = try fixture.store.finish(
            id: running.id, state: .succeeded, outputPath: "/out/1.webp", log: line, now: fixture.tick())
        #expect(try fixture.store.log(id: running.id).last == line)
        // A finish that cannot happen (the job is no longer running) writes no line either.
        let before = try fixture.store.log(id: running.id).count
        #expect(throws: StoreError.self) {
            try fixture.store.finish(id: running.id, state: .failed, error: "late", log: line, now: fixture.tick())
        }
        #expect(try fixture.store.log(id: running.id).count == before)
    }

    @Test func cancelingAQueuedJob() throws {
        let fixture = try StoreFixture()
        let queued = try fixture.make(.queued)
        let canceled = try fixture.store.cancelQueued(id: queued.id, by: StoreFixture.bob, now: fixture.tick())
        #expect(canceled.state == .canceled && canceled.canceledBy == StoreFixture.bob)
        #expect(canceled.finishedAt == fixture.now && canceled.startedAt == nil)
        // The worker cancels running jobs; the store says so.
        let running = try fixture.make(.running)
        #expect(throws: StoreError.invalidTransition(id: running.id, from: .running, to: .canceled)) {
            try fixture.store.cancelQueued(id: running.id, by: StoreFixture.bob, now: fixture.now)
        }
    }

    @Test(arguments: [JobState.failed, .canceled])
    func retryQueuesTheSameJobAgain(_ state: JobState) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let running = try fixture.make(.running)
        try store.updateProgress(id: running.id, progress: JobProgress(step: 9, steps: 20))
        try store.recordCheckpoint(id: running.id, step: 8)
        let ended = try store.finish(
            id: running.id, state: state, error: state == .failed ? "boom" : nil,
            canceledBy: state == .canceled ? StoreFixture.bob : nil, now: fixture.tick())
        let retried = try store.retry(id: ended.id, now: fixture.tick())
        #expect(retried.id == ended.id && retried.state == .queued && retried.render == ended.render)
        #expect(retried.attempts == 1 && retried.priority == ended.priority && retried.createdAt == ended.createdAt)
        #expect(retried.error == nil && retried.outputPath == nil && retried.progress == nil)
        #expect(retried.finishedAt == nil && retried.startedAt == nil && retried.canceledBy == nil)
        #expect(retried.checkpointStep == nil)
        #expect(
            try store.log(id: ended.id).last
                == LogLine(
                    time: fixture.now, level: .info,
                    message: "retried after it \(state.rawValue)",
                    event: .retried(previousState: state)))
        let again = try #require(try store.claimNext(now: fixture.tick()))
        #expect(again.id == ended.id && again.attempts == 2)
        #expect(try store.resumeCount(id: again.id) == 0)
    }

    @Test func requeueKeepsTheCheckpointAndTheNextClaimResumes() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let running = try fixture.make(.running)
        try store.updateProgress(id: running.id, progress: JobProgress(step: 6, steps: 20))
        try store.recordCheckpoint(id: running.id, step: 6)
        #expect(try store.jobs(in: .running).map(\.id) == [running.id])
        let queued = try store.requeue(
            id: running.id, cause: .recovery, step: 6, reason: "daemon restarted", now: fixture.tick())
        #expect(queued.state == .queued && queued.checkpointStep == 6 && queued.startedAt == nil)
        #expect(try store.jobs(in: .running).isEmpty)
        #expect(try store.log(id: running.id).last?.message == "requeued: daemon restarted")
        #expect(try store.log(id: running.id).last?.level == .warning)
        #expect(try store.log(id: running.id).last?.event == .requeued(step: 6, cause: .recovery))
        let resumed = try #require(try store.claimNext(now: fixture.tick()))
        #expect(resumed.id == running.id && resumed.attempts == 2 && resumed.checkpointStep == 6)
        #expect(resumed.progress == nil && resumed.startedAt == fixture.now)
        // The worker counts the resume once it has loaded a checkpoint file.
        #expect(try store.resumeCount(id: running.id) == 0)
        let info = ResumeInfo(fromStep: 6, reusedTiles: 3, lostSteps: 0, note: "resumed after step 6")
        #expect(try store.recordResume(id: running.id, info: info) == 1)
        #expect(try store.recordResume(id: running.id, info: info) == 2, "a second resume at the same step stalls")
        #expect(try store.resumeCount(id: running.id) == 2)
        let after = try #require(try store.job(id: running.id))
        #expect(after.lastResume == info && after.resumeCount == 2)
        #expect(
            try store.recordResume(
                id: running.id, info: ResumeInfo(fromStep: 0, reusedTiles: 0, lostSteps: 6, note: "from noise")) == 1)
        #expect(try store.resumeCount(id: running.id) == 2, "a restart from noise is not a checkpoint resume")
    }

    /// Every operation from every state it is not allowed in, with the typed error it throws.
    @Test(arguments: JobState.allCases)
    func invalidTransitionsThrowTypedErrors(_ state: JobState) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let id = try fixture.make(state).id
        let now = fixture.tick()
        if state != .running {
            #expect(throws: StoreError.notRunning(id: id, state: state)) {
                try store.updateProgress(id: id, progress: JobProgress(step: 1, steps: 2))
            }
            #expect(throws: StoreError.notRunning(id: id, state: state)) { try store.recordCheckpoint(id: id, step: 1) }
            #expect(throws: StoreError.invalidTransition(id: id, from: state, to: .succeeded)) {
                try store.finish(id: id, state: .succeeded, now: now)
            }
            #expect(throws: StoreError.invalidTransition(id: id, from: state, to: .queued)) {
                try store.requeue(id: id, cause: .shutdown, step: 0, reason: "test", now: now)
            }
        } else {
            // finish only ends a job; requeue is the way back to the queue.
            for target in [JobState.queued, .running] {
                #expect(throws: StoreError.invalidTransition(id: id, from: .running, to: target)) {
                    try store.finish(id: id, state: target, now: now)
                }
            }
        }
        if state != .queued {
            #expect(throws: StoreError.invalidTransition(id: id, from: state, to: .canceled)) {
                try store.cancelQueued(id: id, by: StoreFixture.bob, now: now)
            }
        }
        if state != .failed && state != .canceled {
            #expect(throws: StoreError.invalidTransition(id: id, from: state, to: .queued)) {
                try store.retry(id: id, now: now)
            }
        }
        if !state.isFinished {
            #expect(throws: StoreError.notFinished(id: id, state: state)) { try store.remove(id: id) }
        }
        // The failed attempts changed nothing.
        #expect(try store.job(id: id)?.state == state)
    }

    @Test func missingJobsAreNotFound() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let id: Int64 = 404
        let now = fixture.now
        #expect(throws: StoreError.notFound(id)) {
            try store.updateProgress(id: id, progress: JobProgress(step: 1, steps: 2))
        }
        #expect(throws: StoreError.notFound(id)) { try store.recordCheckpoint(id: id, step: 1) }
        #expect(throws: StoreError.notFound(id)) { try store.finish(id: id, state: .failed, now: now) }
        #expect(throws: StoreError.notFound(id)) { try store.finish(id: id, state: .queued, now: now) }
        #expect(throws: StoreError.notFound(id)) { try store.cancelQueued(id: id, by: StoreFixture.bob, now: now) }
        #expect(throws: StoreError.notFound(id)) { try store.retry(id: id, now: now) }
        #expect(throws: StoreError.notFound(id)) {
            try store.requeue(id: id, cause: .shutdown, step: 0, reason: "", now: now)
        }
        #expect(throws: StoreError.notFound(id)) { try store.remove(id: id) }
        #expect(throws: StoreError.notFound(id)) { try store.appendLog(id: id, level: .info, message: "", now: now) }
        #expect(throws: StoreError.notFound(id)) { try store.log(id: id) }
        #expect(throws: StoreError.notFound(id)) { try store.resumeCount(id: id) }
    }

    @Test func logsKeepOrderTimeAndLevel() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let id = try fixture.make(.running).id
        let planned = fixture.tick()
        try store.appendLog(id: id, level: .info, message: "plan: 12 tiles", now: planned)
        // Half a second: a fraction binary floating point holds exactly, so times compare equal.
        let warned = fixture.tick(0.5)
        try store.appendLog(id: id, level: .warning, message: "slow step", now: warned)
        #expect(
            try store.log(id: id) == [
                LogLine(time: planned, level: .info, message: "plan: 12 tiles"),
                LogLine(time: warned, level: .warning, message: "slow step"),
            ])
        // Levels are a type now; the schema still refuses any other level written around the store.
        #expect(JobLogLevel.allCases.map(\.rawValue) == ["info", "warning", "error"])
        #expect(throws: (any Error).self) {
            try store.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO job_logs (job_id, time_ms, level, message) VALUES (?, 0, 'debug', 'x')",
                    arguments: [id])
            }
        }
    }

    @Test func logLinesKeepTheirEvents() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let id = try fixture.make(.running).id
        let events: [JobLogEvent] = [
            .submitted(by: "alice"), .attemptStarted(attempt: 2, threads: 4), .checkpointUnusable,
            .startedOver(lostSteps: 3), .resumed(attempt: 2, fromStep: 8, reusedTiles: 5, lostTiles: 7, lostSteps: 1),
            .requeued(step: 9, cause: .shutdown), .rendered(seconds: 12.5, outputPath: "/s/outputs/1.webp"),
            .stageFinished(stage: 1, stages: 3, outputPath: "/s/outputs/1.stage-1.webp"),
            .canceled(by: "bob", step: nil), .canceled(by: "bob", step: 4), .failed, .retried(previousState: .canceled),
        ]
        #expect(Set(events.map(\.kind)) == Set(JobLogEvent.Kind.allCases), "one of each kind")
        let now = fixture.tick()
        for (index, event) in events.enumerated() {
            try store.appendLog(id: id, level: .info, message: "line \(index)", event: event, now: now)
        }
        try store.appendLog(id: id, level: .error, message: "no event", now: now)
        let log = try store.log(id: id)
        #expect(log.map(\.event) == events + [nil])
        #expect(log.map(\.message) == events.indices.map { "line \($0)" } + ["no event"])
        // An event the store cannot read back is a corrupt row, not a silently missing event.
        try store.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_logs (job_id, time_ms, level, message, event) VALUES (?, 0, 'info', 'x', '{"kind":"teleported"}')
                    """, arguments: [id])
        }
        #expect(throws: StoreError.corruptRow(id: id, column: "job_logs.event", value: #"{"kind":"teleported"}"#)) {
            try store.log(id: id)
        }
    }
}
