import Foundation
import MosaicAPI
import Testing

@testable import MosaicTorture

/// The torture tool's judges, on made-up histories: a checker that cannot fail proves nothing,
/// and the real runs (make torture) only ever show it passing.
@Suite struct TortureToolTests {
    @Test func theKillPlanIsReproducibleAndCoversEveryPhase() {
        let plan = KillPlan.schedule(kills: 20, seed: 1, threads: 2, varyThreads: true)
        #expect(plan == KillPlan.schedule(kills: 20, seed: 1, threads: 2, varyThreads: true))
        #expect(plan != KillPlan.schedule(kills: 20, seed: 2, threads: 2, varyThreads: true))
        // Any run of at least six kills aims at every phase; the default one restarts with both thread counts.
        #expect(Set(plan.map(\.phase)) == Set(KillPhase.allCases))
        #expect(Set(plan.map(\.threadsAfterRestart)) == [1, 2])
        for kill in plan { #expect(kill.phase.delayRange.contains(kill.delayMilliseconds)) }
        for seed in UInt64(2)...20 {
            let short = KillPlan.schedule(kills: KillPhase.allCases.count, seed: seed, threads: 1, varyThreads: true)
            #expect(Set(short.map(\.phase)) == Set(KillPhase.allCases), "seed \(seed)")
        }
        let fixed = KillPlan.schedule(kills: 50, seed: 3, threads: 2, varyThreads: false)
        #expect(fixed.allSatisfy { $0.threadsAfterRestart == 2 })
    }

    /// A log of `events`, one line each, with a message that says nothing: the analysis reads events only.
    static func log(_ events: JobLogEvent?...) -> [LogLine] {
        events.enumerated().map {
            LogLine(
                time: Date(timeIntervalSince1970: Double($0.offset)), level: .info, message: "line \($0.offset)",
                event: $0.element)
        }
    }

    @Test func aKilledAndRequeuedJobIsNotRunTwice() {
        let analysis = JobLogAnalysis(
            Self.log(
                .submitted(by: "ci"), .attemptStarted(attempt: 1, threads: 2),
                .requeued(step: 5, cause: .recovery), .attemptStarted(attempt: 2, threads: 1),
                .startedOver(lostSteps: 0),
                .rendered(seconds: 3.0, outputPath: "/s/outputs/1.webp"),
                // Killed after the output was written but before the success was committed.
                .requeued(step: 24, cause: .recovery), .attemptStarted(attempt: 3, threads: 2),
                .rendered(seconds: 3.1, outputPath: "/s/outputs/1.webp")))
        #expect(analysis.starts == 3 && analysis.rendered == 2)
        #expect(analysis.interruptedAtSteps == [5, 24])
        #expect(!analysis.ranAfterRendering)
        #expect(analysis.restartsFromZero == 2 && analysis.resumes == 0)
    }

    @Test func anAttemptAfterASuccessIsRunTwice() {
        let analysis = JobLogAnalysis(
            Self.log(
                .attemptStarted(attempt: 1, threads: 2), .rendered(seconds: 3.0, outputPath: "/s/outputs/1.webp"),
                .attemptStarted(attempt: 2, threads: 2)))
        #expect(analysis.ranAfterRendering)
    }

    @Test func resumesAreReadFromTheLog() {
        let analysis = JobLogAnalysis(
            Self.log(
                .attemptStarted(attempt: 1, threads: 2), .requeued(step: 9, cause: .shutdown),
                .attemptStarted(attempt: 2, threads: 2),
                .resumed(attempt: 2, fromStep: 8, reusedTiles: 3, lostTiles: 1, lostSteps: 0),
                .requeued(step: 12, cause: .recovery), .attemptStarted(attempt: 3, threads: 1), .checkpointUnusable,
                .resumed(attempt: 3, fromStep: 11, reusedTiles: 0, lostTiles: 4, lostSteps: 1),
                .rendered(seconds: 1.0, outputPath: "/x.webp")))
        #expect(analysis.resumedFromSteps == [8, 11] && analysis.resumes == 2 && analysis.restartsFromZero == 0)
        #expect(analysis.interruptedAtSteps == [9, 12] && analysis.starts == 3 && analysis.rendered == 1)
    }

    @Test func messagesAreNotRead() {
        // The sentences the daemon writes, without their events (lines from before events were
        // logged): the analysis sees nothing, so rewording a message cannot change a verdict.
        let lines = [
            "started attempt 1 on 2 threads", "requeued: the daemon stopped while this job was at step 5",
            "started attempt 2 on 2 threads", "resumed from the checkpoint after step 4 with 3 of 9 tiles",
            "rendered in 3.0 s to /s/outputs/1.webp", "started attempt 3 on 2 threads",
        ]
        .map { LogLine(time: Date(timeIntervalSince1970: 0), level: .info, message: $0) }
        #expect(JobLogAnalysis(lines) == JobLogAnalysis([]))
        #expect(JobLogAnalysis(Self.log(nil, .attemptStarted(attempt: 1, threads: 1), nil)).starts == 1)
    }

    static func job(_ id: Int64, _ state: JobState, attempts: Int, output: String? = nil) -> Job {
        Job(
            id: id, state: state, render: RenderSpec(prompt: "sea", seed: 1), priority: 0,
            owner: Owner(uid: 0, name: "root"), attempts: attempts, createdAt: Date(timeIntervalSince1970: 0),
            finishedAt: state.isFinished ? Date(timeIntervalSince1970: 10) : nil, outputPath: output)
    }

    @Test func theLedgerCatchesLostJobsFallingAttemptsAndTakenBackSuccesses() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("torture-ledger-\(UUID()).webp").path
        #expect(FileManager.default.createFile(atPath: output, contents: Data([1])))
        defer { try? FileManager.default.removeItem(atPath: output) }
        let ledger = QueueLedger()
        ledger.submitted(Self.job(1, .queued, attempts: 0))
        ledger.submitted(Self.job(2, .queued, attempts: 0))
        #expect(
            ledger.checkIntact([Self.job(1, .running, attempts: 2), Self.job(2, .queued, attempts: 0)], context: "a")
                .isEmpty)
        // Job 2 lost, job 1's attempts fell.
        #expect(ledger.checkIntact([Self.job(1, .queued, attempts: 1)], context: "b").count == 2)
        #expect(
            ledger.checkIntact(
                [Self.job(1, .succeeded, attempts: 3, output: output), Self.job(2, .queued, attempts: 0)],
                context: "c"
            ).isEmpty)
        #expect(ledger.ranTwice.isEmpty)
        ledger.observe(Self.job(1, .running, attempts: 4), context: "d")
        #expect(ledger.ranTwice == [1])
        let missing = ledger.checkIntact(
            [
                Self.job(1, .succeeded, attempts: 3, output: output + ".gone"),
                Self.job(2, .queued, attempts: 0),
            ], context: "e")
        #expect(missing.contains { $0.contains("is missing") })
    }

    @Test func referenceArgumentsReproduceTheResolvedSpec() {
        let spec = RenderSpec(
            prompt: "dark forest", negativePrompt: "", model: "mosaic-field", width: 768, height: 1024,
            steps: 28, sampler: "dpmpp_2m_karras", guidance: 2, seed: 99, tiling: "overlap",
            tileSize: 48, tileOverlap: 12, tileWeighting: "uniform", lossless: true)
        let arguments = ReferenceRender.arguments(for: spec, output: "/o.webp", threads: 1)
        #expect(
            arguments == [
                "render", "--prompt", "dark forest", "--model", "mosaic-field", "--width", "768",
                "--height", "1024", "--steps", "28", "--sampler", "dpmpp_2m_karras", "--guidance", "2.0",
                "--seed", "99", "--tiling", "overlap", "--tile-size", "48", "--tile-overlap", "12",
                "--tile-weighting", "uniform", "--lossless", "--threads", "1", "--output", "/o.webp",
            ])
        var staged = spec
        staged.stages = .sides([512, 1024])
        staged.strengths = [1, 0.6]
        staged.upscaler = "lanczos"
        let stagedArguments = ReferenceRender.arguments(for: staged, output: "/o.webp", threads: 1)
        #expect(
            stagedArguments.joined(separator: " ").contains(
                "--stages 512,1024 --strengths 1.0,0.6 --upscaler lanczos --lossless"))
        var direct = spec
        direct.stages = StageRequest.none
        #expect(
            ReferenceRender.arguments(for: direct, output: "/o.webp", threads: 1).joined(separator: " ").contains(
                "--stages none --lossless"))
    }

    @Test func optionsAreChecked() throws {
        let defaults = try TortureCommand.parse([])
        #expect(
            defaults.kills == 20 && defaults.jobs == 4 && defaults.seed == 1 && defaults.varyThreads
                && !defaults.noFaults)
        #expect(defaults.refill)
        #expect(try TortureCommand.parse(["--no-refill"]).refill == false)
        #expect(try TortureCommand.parse(["--no-vary-threads"]).varyThreads == false)
        for bad in [
            ["--size", "1001"], ["--size", "32"], ["--steps", "2"], ["--jobs", "0"],
            ["--no-faults", "--faults", "x=1ms"],
            ["--threads", "0"], ["--kills", "-1"],
        ] {
            #expect(throws: (any Error).self, "\(bad)") { try TortureCommand.parse(bad) }
        }
    }
}
