import Foundation

/// Everything a fuzz run found; `passed` decides the exit status.
struct FuzzReport {
    var settings: FuzzSettings
    var totals: FuzzTally.Totals
    var seconds: Double = 0
    /// Cases actually sent (fewer than asked when the daemon died).
    var casesSent = 0
    /// Whether the daemon was up after every case and answered at the end.
    var daemonUp = true
    /// The fuzzed daemon's exit status on SIGTERM at the end (nil: it had to be killed or died).
    var exitStatus: Int32?
    /// VmRSS in KiB after the warm-up, at the end, and the largest seen.
    var rssAfterWarmup: Int?
    var rssAtEnd: Int?
    var rssPeak = 0
    /// The render under fuzz.
    var renderJob: Int64?
    var renderState = "unknown"
    var renderSeconds: Double?
    /// The last case sent while the render was still running.
    var renderRunningUntilCase = 0
    var outputBytes = 0
    /// The undisturbed render in a fresh daemon.
    var referenceBytes = 0
    var referenceSeconds: Double?
    var outputsIdentical = false
    /// Problems outside single answers: setup errors, a timeout.
    var notes: [String] = []
    /// Prune cases not sent because the render had not ended and been captured yet.
    var prunesHeldBack = 0

    /// RSS growth from after the warm-up to the end, in percent.
    var rssGrowth: Double? {
        guard let start = rssAfterWarmup, let end = rssAtEnd, start > 0 else { return nil }
        return Double(end - start) / Double(start) * 100
    }

    var rssOK: Bool { (rssGrowth ?? .infinity) < settings.maxRSSGrowth }

    var passed: Bool {
        daemonUp && totals.failures.isEmpty && rssOK && renderState == "succeeded" && outputsIdentical
            && exitStatus == 0
            && casesSent == settings.requests
    }

    /// The last line: the verdict and its main figures.
    var summaryLine: String {
        let growth = rssGrowth.map { String(format: "%+.1f%%", $0) } ?? "unmeasured"
        let failures = totals.failures.count - totals.serverErrors
        return
            "fuzz: \(passed ? "PASS" : "FAIL"): \(casesSent) requests (seed \(settings.seed)), daemon \(daemonUp ? "up" : "DOWN"), "
            + "\(totals.serverErrors) 5xx, \(failures) other failures, RSS \(growth), render \(outputsIdentical ? "identical" : "NOT identical")"
    }
}
