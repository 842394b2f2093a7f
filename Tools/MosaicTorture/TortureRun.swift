import Foundation
import MosaicAPI
import MosaicClient

/// One torture run: start the daemon, submit the jobs, kill and restart it as planned, let it
/// finish, then check every job against an uninterrupted reference render.
///
/// Nothing here throws out of `run()`: a step that cannot go on ends the run with a problem in
/// the report, so the report always says how far it got.
final class TortureRun {
    let settings: TortureSettings
    let supervisor: DaemonSupervisor
    let ledger = QueueLedger()
    let plans: [KillPlan]
    var report: TortureReport
    /// Problems of the run itself (the ledger keeps the queue's).
    var runProblems: [String] = []
    /// Kills (indices into `report.kills`) whose restart has not been confirmed yet.
    var unconfirmed: [Int] = []
    /// Submitted jobs that did not end succeeded with an output; all of them until the end.
    var lost: Set<Int64> = []
    /// Unfinished jobs (queued or running) at the last look at the queue.
    var unfinishedSeen = 0

    init(settings: TortureSettings) {
        self.settings = settings
        supervisor = DaemonSupervisor(
            executable: settings.mosaicd, stateDirectory: settings.stateDirectory, socketPath: settings.socketPath,
            logPath: settings.workDirectory.appendingPathComponent("mosaicd.log").path, faults: settings.faults)
        plans = KillPlan.schedule(
            kills: settings.kills, seed: settings.seed, threads: settings.threads,
            varyThreads: settings.varyThreads)
        report = TortureReport(
            seed: settings.seed, killsPlanned: settings.kills,
            workDirectory: settings.workDirectory.path, faults: settings.faults)
    }

    /// Runs everything and returns the report.
    func run() -> TortureReport {
        let started = Date()
        var phaseStarted = started
        func lap() -> Double {
            defer { phaseStarted = Date() }
            return Date().timeIntervalSince(phaseStarted)
        }
        do {
            try supervisor.start(threads: settings.threads)
            try supervisor.waitUntilReady(timeout: settings.readyTimeout)
            try submitJobs()
            _ = lap()
            try killLoop()
            report.killSeconds = lap()
            let finished = try drain()
            try collect(finished)
            report.drainSeconds = lap()
            stopDaemon()
            try compareWithReferences()
            report.referenceSeconds = lap()
        } catch {
            runProblems.append(error.description)
            supervisor.kill()
        }
        report.daemonStarts = supervisor.starts
        report.totalSeconds = Date().timeIntervalSince(started)
        report.problems = ledger.problems + runProblems
        report.jobsRunTwice = ledger.ranTwice.count
        report.jobsLost = lost.count
        return report
    }

    /// Submits the jobs and remembers them as the daemon answered.
    func submitJobs() throws(TortureError) {
        for _ in 0..<settings.jobs { try submitNextJob() }
        note(
            "submitted \(settings.jobs) jobs: "
                + ledger.submitted.map { "\($0.id) " + TortureJobs.summary(of: $0.render) }
                .joined(separator: "; "))
    }

    /// Submits the next render of the cycle; returns its id.
    @discardableResult
    func submitNextJob() throws(TortureError) -> Int64 {
        let index = ledger.submitted.count
        let spec = TortureJobs.specs(count: index + 1, seed: settings.seed, size: settings.size, steps: settings.steps)[
            index]
        do {
            let job = try supervisor.client.submit(SubmitRequest(render: spec))
            ledger.submitted(job)
            lost.insert(job.id)
            unfinishedSeen += 1
            return job.id
        } catch {
            throw .client(what: "submitting a job", error)
        }
    }

    /// With `--refill`, submits one more job when the queue has nothing left to run, so that
    /// the remaining kills land on work rather than on an idle daemon. Returns whether it did.
    @discardableResult
    func refillIfIdle() -> Bool {
        guard settings.refill, unfinishedSeen == 0 else { return false }
        guard let id = try? submitNextJob() else { return false }
        report.jobsAdded += 1
        note(
            "the queue ran empty; submitted job \(id): "
                + (ledger.submitted.last.map { TortureJobs.summary(of: $0.render) } ?? ""))
        return true
    }

    /// Restarts are confirmed when the daemon answers and the queue is intact; every kill since
    /// the last confirmation then counts as survived. With `refill`, an empty queue gets a job
    /// before the next kill's waiting starts (a start-up kill looks at nothing), so it finds work.
    func confirmRestart(context: String, refill: Bool) throws(TortureError) {
        try supervisor.waitUntilReady(timeout: settings.readyTimeout)
        let listing: [Job]
        do { listing = try supervisor.client.allJobs() } catch {
            throw .client(what: "listing the queue \(context)", error)
        }
        let problems = ledger.checkIntact(listing, context: context)
        unfinishedSeen = listing.filter { !$0.state.isFinished }.count
        if problems.isEmpty {
            for index in unconfirmed { report.kills[index].survived = true }
        }
        unconfirmed.removeAll()
        if refill { refillIfIdle() }
    }

    /// A progress line on stderr.
    func note(_ line: String) {
        guard settings.verbose else { return }
        FileHandle.standardError.write(Data(("mosaic-torture: " + line + "\n").utf8))
    }
}
