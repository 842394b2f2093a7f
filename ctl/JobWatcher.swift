import Foundation
import MosaicAPI
import MosaicClient

/// Follows a job's event stream to its end, for `watch` and `submit --wait`.
///
/// A stream that breaks before the `end` event (mosaicd restarted; the job resumes from its
/// checkpoint) is reopened: the daemon gets a minute to come back.
struct JobWatcher {
    /// The daemon.
    let client: MosaicClient
    /// Print events as NDJSON on stdout instead of drawing progress on stderr.
    let json: Bool
    /// How long the daemon may stay away before watching gives up.
    var reconnectWindow: Double = 60

    /// Watches job `id` until it ends and returns it as it ended.
    func watch(_ id: Int64) throws -> Job {
        let display = json ? nil : ProgressDisplay(jobID: id)
        defer { display?.finish() }
        var lostSince: Date?
        var connected = false  // a daemon that was never reached is an error at once, not a restart
        while true {
            var ended: JobEvent?
            do throws(ClientError) {
                try client.events(id) { event in
                    lostSince = nil
                    connected = true
                    if json { try? JSONOutput.print(event) } else { display?.show(event) }
                    if event.type == .end {
                        ended = event
                        return false
                    }
                    return true
                }
            } catch {
                switch error {
                case .unreachable, .connectionLost, .timeout:
                    guard connected else { throw error }
                    let since = lostSince ?? Date()
                    guard Date().timeIntervalSince(since) < reconnectWindow else { throw error }
                    if lostSince == nil { display?.note("lost mosaicd (\(error)); reconnecting") }
                    lostSince = since
                    Thread.sleep(forTimeInterval: 1)
                    continue
                default:
                    throw error
                }
            }
            if let ended { return try ended.job ?? client.job(id) }
            // The stream closed without an end event: look before listening again.
            let job = try client.job(id)
            if job.state.isFinished { return job }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    /// The verdict on an ended job: its output path on stdout if it succeeded, else an error
    /// with exit status 1.
    static func conclude(_ job: Job, json: Bool) throws {
        switch job.state {
        case .succeeded:
            if !json { Terminal.print(job.outputPath ?? "job \(job.id) succeeded") }
        case .failed:
            throw CtlError(.failure, "job \(job.id) failed" + (job.error.map { ": \($0)" } ?? ""))
        case .canceled:
            throw CtlError(.failure, "job \(job.id) was canceled" + (job.canceledBy.map { " by \($0.name)" } ?? ""))
        case .queued, .running:
            throw CtlError(.failure, "job \(job.id) is still \(job.state.rawValue)")
        }
    }
}
