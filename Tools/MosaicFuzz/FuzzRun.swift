import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport

/// One fuzz run: a daemon with a render in progress, the cases, the checks.
final class FuzzRun {
    let settings: FuzzSettings
    let tally = FuzzTally()
    var report: FuzzReport
    /// The render as it finished, with its output, once seen finished: a prune may remove it.
    var finishedRender: (job: Job, output: [UInt8]?)?

    init(settings: FuzzSettings) {
        self.settings = settings
        report = FuzzReport(settings: settings, totals: FuzzTally.Totals())
    }

    /// Runs everything; setup errors end up in the report's notes (and fail it).
    func run() -> FuzzReport {
        let started = Date()
        let daemon = FuzzDaemon(
            executable: settings.mosaicd, directory: settings.workDirectory, name: "fuzzed", threads: settings.threads)
        do {
            try daemon.start(readyTimeout: 60)
            let job = try startRender(on: daemon)
            report.renderJob = job.id
            fuzz(daemon, protecting: job.id)
            if report.daemonUp { try finishRender(job, on: daemon) }
        } catch {
            report.notes.append("\(error)")
            report.daemonUp = report.daemonUp && daemon.isRunning
        }
        report.exitStatus = daemon.stop()
        if report.daemonUp, report.exitStatus != 0 {
            report.notes.append(
                "the fuzzed daemon did not exit 0 on SIGTERM; its log ends:\n\(daemon.logTail(lines: 10))")
        }
        report.totals = tally.snapshot
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Submits the render, waits until it has completed a step (its memory is allocated) and
    /// pauses the queue, so jobs the fuzz submits wait instead of running after it.
    func startRender(on daemon: FuzzDaemon) throws(FuzzError) -> Job {
        let client = daemon.client
        let spec = RenderSpec(
            prompt: "vast misty ocean at dusk, waves", width: settings.size, height: settings.size,
            steps: settings.steps, sampler: "euler", seed: settings.seed, lossless: true)
        let job: Job
        do { job = try client.submit(SubmitRequest(render: spec)) } catch {
            throw .client(what: "submitting the render", error)
        }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let current: Job
            do { current = try client.job(job.id) } catch { throw .client(what: "reading job \(job.id)", error) }
            if current.state.isFinished || (current.progress?.step ?? 0) >= 1 { break }
            usleep(10_000)
        }
        do { _ = try client.pause() } catch { throw .client(what: "pausing the queue", error) }
        return job
    }

    /// Sends every case; a stall runs on a thread of its own, at most `maxStalls` at once.
    func fuzz(_ daemon: FuzzDaemon, protecting jobId: Int64) {
        var generator = CaseGenerator(seed: settings.seed, protectedJob: jobId)
        let executor = CaseExecutor(socketPath: daemon.socketPath)
        let stallSlots = DispatchSemaphore(value: settings.maxStalls)
        let stalls = DispatchGroup()
        let fuzzStarted = Date()
        for number in 1...settings.requests {
            let fuzzCase = generator.next()
            if fuzzCase.removesFinishedJobs, finishedRender == nil {
                captureRender(daemon, jobId: jobId)
                // A render that ends while the prune runs would be removed before it is captured.
                if finishedRender == nil {
                    report.prunesHeldBack += 1
                    report.casesSent = number
                    continue
                }
            }
            if fuzzCase.kind == .stall {
                stallSlots.wait()
                stalls.enter()
                let thread = Thread { [tally] in
                    let started = MonotonicClock.now
                    tally.add(
                        executor.run(fuzzCase), of: fuzzCase, number: number, seconds: MonotonicClock.now - started)
                    stallSlots.signal()
                    stalls.leave()
                }
                thread.start()
            } else {
                let started = MonotonicClock.now
                tally.add(executor.run(fuzzCase), of: fuzzCase, number: number, seconds: MonotonicClock.now - started)
            }
            report.casesSent = number
            guard daemon.isRunning else {
                report.daemonUp = false
                tally.fail(
                    "the daemon \(daemon.exitDescription) after this case; its log ends:\n\(daemon.logTail(lines: 15))",
                    caseNumber: number, label: fuzzCase.label)
                break
            }
            if number % 100 == 0 || number == settings.warmup { observe(daemon, jobId: jobId, after: number) }
            if settings.progressEvery > 0, number % settings.progressEvery == 0 {
                let t = tally.snapshot
                FileHandle.standardError.write(
                    Data(
                        String(
                            format: "mosaic-fuzz: %d/%d cases, %.0f s, %d failures\n", number,
                            settings.requests, Date().timeIntervalSince(fuzzStarted), t.failures.count
                        ).utf8))
            }
        }
        stalls.wait()
        guard report.daemonUp else { return }
        usleep(500_000)  // let the last connections' buffers go before the final measurement
        report.rssAtEnd = daemon.residentKiB()
        report.rssPeak = max(report.rssPeak, report.rssAtEnd ?? 0)
        if report.rssAfterWarmup == nil { report.rssAfterWarmup = report.rssAtEnd }
        do { _ = try daemon.client.status() } catch {
            report.daemonUp = false
            tally.fail("the daemon does not answer GET /v1/status after the fuzz: \(error)")
        }
    }

    /// Samples memory (the baseline right after the warm-up) and whether the render still runs.
    func observe(_ daemon: FuzzDaemon, jobId: Int64, after number: Int) {
        let rss = daemon.residentKiB() ?? 0
        report.rssPeak = max(report.rssPeak, rss)
        if number >= settings.warmup, report.rssAfterWarmup == nil { report.rssAfterWarmup = rss }
        if let job = try? daemon.client.job(jobId), job.state == .running { report.renderRunningUntilCase = number }
    }

    /// Takes the render's final record and output once it has finished, before a prune can
    /// remove them.
    func captureRender(_ daemon: FuzzDaemon, jobId: Int64) {
        guard let job = try? daemon.client.job(jobId), job.state.isFinished else { return }
        finishedRender = (job, job.state == .succeeded ? try? daemon.client.output(jobId) : nil)
    }
}
