import Foundation
import MosaicAPI

/// Everything the torture run has seen of its jobs, checked every time it looks.
///
/// A job may be killed and requeued any number of times, but the queue must never lose it,
/// change its parameters, or take back a success: once seen succeeded, its attempts, finish
/// time and output path are frozen. While unfinished its attempts only grow.
final class QueueLedger {
    /// The jobs as the daemon answered the submissions (defaults filled in, seeds fixed).
    private(set) var submitted: [Job] = []
    private var latest: [Int64: Job] = [:]
    private var firstSuccess: [Int64: Job] = [:]
    /// Jobs that changed after they had succeeded.
    private(set) var ranTwice: Set<Int64> = []
    /// Every violation seen, in order, each naming the job and when it was seen.
    private(set) var problems: [String] = []

    /// Records a submission.
    func submitted(_ job: Job) {
        submitted.append(job)
        latest[job.id] = job
    }

    /// The newest observation of `id`.
    func latest(_ id: Int64) -> Job? { latest[id] }

    /// Checks a full listing of the queue: every submitted job present and unchanged, nothing
    /// else there. Returns the problems found in this listing (also kept in `problems`).
    @discardableResult
    func checkIntact(_ listing: [Job], context: String) -> [String] {
        var found: [String] = []
        let byId = Dictionary(listing.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for job in submitted where byId[job.id] == nil {
            found.append("job \(job.id) is missing from the queue \(context)")
        }
        let known = Set(submitted.map(\.id))
        for job in listing where !known.contains(job.id) {
            found.append("job \(job.id) appeared in the queue \(context) but was never submitted")
        }
        for job in listing where known.contains(job.id) && job.state == .succeeded {
            // A success is committed only after the output's rename and fsync: the file must be there.
            if let path = job.outputPath, FileManager.default.fileExists(atPath: path) { continue }
            found.append(
                "job \(job.id) succeeded but its output \(job.outputPath ?? "(no path)") is missing \(context)")
        }
        problems += found
        for job in listing where known.contains(job.id) { found += observe(job, context: context) }
        return found
    }

    /// Checks one observation of a job against what was seen before.
    @discardableResult
    func observe(_ job: Job, context: String) -> [String] {
        guard let original = submitted.first(where: { $0.id == job.id }) else { return [] }
        var found: [String] = []
        if job.render != original.render || job.priority != original.priority {
            found.append("job \(job.id)'s parameters changed \(context)")
        }
        if job.state == .failed || job.state == .canceled {
            found.append("job \(job.id) \(job.state.rawValue) \(context): \(job.error ?? "no error given")")
        }
        if let previous = latest[job.id], job.attempts < previous.attempts {
            found.append("job \(job.id)'s attempts went down from \(previous.attempts) to \(job.attempts) \(context)")
        }
        if let success = firstSuccess[job.id] {
            if job.state != .succeeded || job.attempts != success.attempts || job.finishedAt != success.finishedAt
                || job.outputPath != success.outputPath
            {
                ranTwice.insert(job.id)
                found.append(
                    "job \(job.id) changed after it had succeeded \(context): now \(job.state.rawValue), "
                        + "attempt \(job.attempts) (was \(success.attempts))")
            }
        } else if job.state == .succeeded {
            firstSuccess[job.id] = job
        }
        // A failure is reported once, not at every later look.
        if let previous = latest[job.id], previous.state == job.state, job.state == .failed || job.state == .canceled {
            found.removeAll { $0.hasPrefix("job \(job.id) \(job.state.rawValue)") }
        }
        latest[job.id] = job
        problems += found
        return found
    }

    /// Records a problem found elsewhere (a log, an output) against a job.
    func report(_ problem: String, ranTwice id: Int64? = nil) {
        problems.append(problem)
        if let id { ranTwice.insert(id) }
    }
}
