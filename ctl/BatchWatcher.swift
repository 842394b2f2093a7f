import MosaicAPI
import MosaicClient

/// Follows every job of a batch to its end, for `watch --batch` and `submit --count/--prompts --wait`.
///
/// The worker runs one job at a time, highest priority first, then oldest: the jobs are watched
/// in that order, one event stream each, so the one on screen is the one running. A job that
/// ended before its turn reports its end at once.
struct BatchWatcher {
    /// The daemon.
    let client: MosaicClient
    /// Print events as NDJSON on stdout instead of drawing progress on stderr.
    let json: Bool

    /// Watches batch `id` until every job has ended; returns them as they ended, in watch order.
    /// Without `--json` each job's end is one line on stdout: `ID STATE [OUTPUT | error]`.
    func watch(_ id: Int64) throws -> [Job] {
        _ = try client.batch(id)  // 404 for no such batch, rather than an empty watch
        let jobs = try client.allJobs(batch: id).sorted { ($0.priority, -$0.id) > ($1.priority, -$1.id) }
        let watcher = JobWatcher(client: client, json: json)
        var ended: [Job] = []
        for job in jobs {
            let end: Job
            do {
                end = try watcher.watch(job.id)
            } catch ClientError.api(404, _) {
                continue  // removed while we watched the others
            }
            if !json { Terminal.print(Self.line(end)) }
            ended.append(end)
        }
        return ended
    }

    /// One ended job on one line: `7 succeeded /var/lib/mosaic/outputs/7.webp`, `8 failed: ...`.
    static func line(_ job: Job) -> String {
        switch job.state {
        case .succeeded: "\(job.id) succeeded" + (job.outputPath.map { " \($0)" } ?? "")
        case .failed: "\(job.id) failed" + (job.error.map { ": \($0)" } ?? "")
        case .canceled: "\(job.id) canceled" + (job.canceledBy.map { " by \($0.name)" } ?? "")
        case .queued, .running: "\(job.id) \(job.state.rawValue)"
        }
    }

    /// The verdict: success when every job succeeded, else exit status 1 naming how many did not.
    static func conclude(_ id: Int64, _ jobs: [Job]) throws {
        let failed = jobs.filter { $0.state == .failed }.count
        let canceled = jobs.filter { $0.state == .canceled }.count
        guard failed + canceled > 0 else { return }
        throw CtlError(
            .failure,
            "batch \(id): \(failed) of \(jobs.count) jobs failed" + (canceled > 0 ? ", \(canceled) canceled" : ""))
    }
}
