import Foundation
import MosaicAPI
import MosaicClient

extension FuzzRun {
    /// Waits for the fuzzed render, then renders the same job in a fresh daemon with nothing
    /// else going on and compares the two files byte for byte.
    func finishRender(_ job: Job, on daemon: FuzzDaemon) throws(FuzzError) {
        let finished: Job
        if let captured = finishedRender?.job {
            finished = captured
        } else {
            finished = try waitUntilFinished(job.id, client: daemon.client)
        }
        report.renderState = finished.state.rawValue
        report.renderSeconds = finished.finishedAt.flatMap { end in finished.startedAt.map { end.timeIntervalSince($0) }
        }
        guard finished.state == .succeeded else {
            report.notes.append("the render ended \(finished.state.rawValue): \(finished.error ?? "no error recorded")")
            return
        }
        let output: [UInt8]
        if let captured = finishedRender?.output {
            output = captured
        } else {
            do { output = try daemon.client.output(job.id) } catch {
                throw .client(what: "reading the output of job \(job.id)", error)
            }
        }
        report.outputBytes = output.count

        let reference = FuzzDaemon(
            executable: settings.mosaicd, directory: settings.workDirectory, name: "reference",
            threads: settings.threads)
        defer { _ = reference.stop() }
        try reference.start(readyTimeout: 60)
        let again: Job
        do { again = try reference.client.submit(SubmitRequest(render: finished.render)) } catch {
            throw .client(what: "submitting the reference render", error)
        }
        let done = try waitUntilFinished(again.id, client: reference.client)
        report.referenceSeconds = done.finishedAt.flatMap { end in done.startedAt.map { end.timeIntervalSince($0) } }
        guard done.state == .succeeded else {
            report.notes.append(
                "the reference render ended \(done.state.rawValue): \(done.error ?? "no error recorded")")
            return
        }
        let referenceOutput: [UInt8]
        do { referenceOutput = try reference.client.output(again.id) } catch {
            throw .client(what: "reading the reference output", error)
        }
        report.referenceBytes = referenceOutput.count
        report.outputsIdentical = referenceOutput == output
    }

    func waitUntilFinished(_ id: Int64, client: MosaicClient) throws(FuzzError) -> Job {
        let deadline = Date().addingTimeInterval(settings.renderTimeout)
        while Date() < deadline {
            let job: Job
            do { job = try client.job(id) } catch { throw .client(what: "reading job \(id)", error) }
            if job.state.isFinished { return job }
            usleep(50_000)
        }
        throw .renderTimeout(jobId: id, seconds: settings.renderTimeout)
    }
}
