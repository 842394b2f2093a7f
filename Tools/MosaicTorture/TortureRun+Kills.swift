import Foundation
import MosaicAPI

extension TortureRun {
    /// Delivers the planned kills, restarting the daemon after each one.
    ///
    /// A restart is confirmed (the socket answers, the queue is intact) before the next kill,
    /// except when the next kill is aimed at start-up: then it lands while the restarted daemon
    /// is still opening its store, and the confirmation waits for the start after that.
    func killLoop() throws(TortureError) {
        for (index, plan) in plans.enumerated() {
            if plan.phase != .startup, let status = try? supervisor.client.status() {
                unfinishedSeen = Self.unfinished(status)
                refillIfIdle()
            }
            let aim = try waitForPhase(plan)
            let record = KillRecord(
                number: index + 1, plan: plan, millisecondsAfterStart: supervisor.millisecondsSinceStart,
                runningJob: aim.job, runningStep: aim.step, phaseReached: aim.reached, jobsUnfinished: unfinishedSeen)
            if let ended = supervisor.kill() {
                runProblems.append(
                    "before kill \(index + 1) the daemon had already \(ended); its log ends:\n"
                        + supervisor.logTail(lines: 15))
            } else {
                unconfirmed.append(report.kills.count)
            }
            report.kills.append(record)
            try supervisor.start(threads: plan.threadsAfterRestart)
            let nextIsStartup = index + 1 < plans.count && plans[index + 1].phase == .startup
            if !nextIsStartup {
                try confirmRestart(context: "after kill \(index + 1)", refill: index + 1 < plans.count)
            }
            note(
                "kill \(index + 1)/\(plans.count): \(describe(record)); restarted with --threads \(plan.threadsAfterRestart)"
                    + (nextIsStartup ? "" : ", queue " + (report.kills[index].survived ? "intact" : "NOT intact")))
        }
    }

    /// Waits for the plan's starting event and then its delay. Returns whether the event
    /// happened and the running job and step seen last.
    func waitForPhase(_ plan: KillPlan) throws(TortureError) -> (reached: Bool, job: Int64?, step: Int?) {
        let delay = Double(plan.delayMilliseconds) / 1000
        switch plan.phase {
        case .startup:
            // Measured from the process start; a daemon already older is killed at once.
            let remaining = delay - Double(supervisor.millisecondsSinceStart) / 1000
            sleep(seconds: remaining)
            return (remaining >= 0, nil, nil)
        case .early:
            sleep(seconds: delay)
            return (true, nil, nil)
        case .midStep:
            sleep(seconds: delay)
            let running = runningProgress()
            return (true, running?.job, running?.step)
        case .stepBoundary:
            let boundary = waitForProgress(timeout: 30, interval: 0.01) { first, now in
                first.job == now.job && now.step > first.step
            }
            sleep(seconds: delay)
            return (boundary != nil, boundary?.job, boundary?.step)
        case .finishing:
            let last = waitForProgress(timeout: 180, interval: 0.02) { _, now in now.steps > 0 && now.step >= now.steps
            }
            sleep(seconds: delay)
            return (last != nil, last?.job, last?.step)
        case .handover:
            let succeeded = waitForSuccess(timeout: 300, interval: 0.02)
            sleep(seconds: delay)
            return (succeeded != nil, succeeded, nil)
        }
    }

    /// Polls until one more job has succeeded than at the first look; returns the running job
    /// seen last before that, nil when nothing was left to run or the time ran out.
    func waitForSuccess(timeout: Double, interval: Double) -> Int64? {
        let deadline = Date().addingTimeInterval(timeout)
        var first: Int?
        var lastRunning: Int64?
        while Date() < deadline, supervisor.isRunning {
            if let status = try? supervisor.client.status() {
                let succeeded = status.counts[JobState.succeeded.rawValue] ?? 0
                unfinishedSeen = Self.unfinished(status)
                if let first, succeeded > first {
                    // A hand-over needs a next job: with the last one done, the kill would find none.
                    refillIfIdle()
                    return lastRunning
                }
                if first == nil { first = succeeded }
                if unfinishedSeen == 0, !refillIfIdle() { return nil }
                if let running = status.running { lastRunning = running.id }
            }
            sleep(seconds: interval)
        }
        return nil
    }

    /// The running job's id and completed steps, nil when none runs or the daemon does not answer.
    func runningProgress() -> (job: Int64, step: Int, steps: Int)? {
        guard let status = try? supervisor.client.status() else { return nil }
        unfinishedSeen = Self.unfinished(status)
        guard let job = status.running else {
            refillIfIdle()
            return nil
        }
        if job.state != .running { return nil }
        ledger.observe(job, context: "while running")
        return (job.id, job.progress?.step ?? 0, job.progress?.steps ?? job.render.steps ?? 0)
    }

    /// Polls the running job until `reached(first, now)` holds, where `first` is the first
    /// progress seen; nil when no job ran or the time ran out.
    func waitForProgress(
        timeout: Double, interval: Double,
        _ reached: (_ first: (job: Int64, step: Int, steps: Int), _ now: (job: Int64, step: Int, steps: Int)) -> Bool
    ) -> (job: Int64, step: Int)? {
        let deadline = Date().addingTimeInterval(timeout)
        var first: (job: Int64, step: Int, steps: Int)?
        var idleSince = Date()
        while Date() < deadline, supervisor.isRunning {
            if let now = runningProgress() {
                idleSince = Date()
                // A new job (the previous one finished) starts the comparison over.
                if first == nil || first?.job != now.job { first = now }
                if let first, reached(first, now) { return (now.job, now.step) }
            } else if Date().timeIntervalSince(idleSince) > 2 {
                // Nothing has run for two seconds: the queue is empty or stuck; give up waiting.
                return nil
            }
            sleep(seconds: interval)
        }
        return nil
    }

    /// Jobs queued or running.
    static func unfinished(_ status: DaemonStatus) -> Int {
        (status.counts[JobState.queued.rawValue] ?? 0) + (status.counts[JobState.running.rawValue] ?? 0)
    }

    func describe(_ record: KillRecord) -> String {
        var text = "\(record.plan.phase.rawValue) +\(record.plan.delayMilliseconds) ms"
        if !record.phaseReached { text += " (phase not reached)" }
        if let job = record.runningJob {
            text +=
                record.plan.phase == .handover
                ? ", after job \(job) succeeded" : ", job \(job) at step \(record.runningStep ?? 0)"
        }
        return text + String(format: ", %.2f s after start", Double(record.millisecondsAfterStart) / 1000)
    }

    func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        usleep(useconds_t(min(seconds, 3600) * 1_000_000))
    }
}
