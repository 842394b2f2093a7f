import Foundation
import MosaicAPI
import MosaicClient

extension TortureRun {
    /// Lets the daemon finish every job, watching the queue, and returns the final jobs.
    func drain() throws(TortureError) -> [Job] {
        let deadline = Date().addingTimeInterval(settings.drainTimeout)
        let ids = Set(ledger.submitted.map(\.id))
        while true {
            let listing: [Job]
            do { listing = try supervisor.client.allJobs() } catch {
                if !supervisor.isRunning { throw .exited(status: -1, log: supervisor.logTail()) }
                throw .client(what: "listing the queue while it finishes", error)
            }
            ledger.checkIntact(listing, context: "while the queue finishes")
            let ours = listing.filter { ids.contains($0.id) }
            let unfinished = ours.filter { !$0.state.isFinished }
            if unfinished.isEmpty { return ours }
            guard Date() < deadline else {
                throw .drainTimeout(seconds: settings.drainTimeout, unfinished: unfinished.map(\.id))
            }
            sleep(seconds: 0.2)
        }
    }

    /// Reads each job's log and output while the daemon still serves them.
    func collect(_ finished: [Job]) throws(TortureError) {
        let outputs = settings.workDirectory.appendingPathComponent("outputs")
        try makeDirectory(outputs)
        let client = supervisor.client
        for submitted in ledger.submitted {
            let job = finished.first { $0.id == submitted.id }
            let lines: [LogLine]
            do { lines = job == nil ? [] : try client.log(submitted.id) } catch {
                throw .client(what: "reading job \(submitted.id)'s log", error)
            }
            let analysis = JobLogAnalysis(lines)
            let resumes = resumeCount(submitted.id) ?? analysis.resumes
            var entry = JobReport(
                id: submitted.id, summary: TortureJobs.summary(of: submitted.render), seed: submitted.render.seed ?? 0,
                state: job?.state.rawValue, attempts: job?.attempts ?? 0, resumes: resumes,
                restartsFromZero: max(0, (job?.attempts ?? 0) - 1 - resumes), log: analysis)
            check(analysis, of: submitted.id, state: job?.state)
            if job?.state == .succeeded {
                do {
                    let bytes = try client.output(submitted.id)
                    let path = outputs.appendingPathComponent("\(submitted.id).webp").path
                    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                        throw TortureError.io(path: path, reason: "cannot write the output copy")
                    }
                    lost.remove(submitted.id)
                } catch let error as ClientError {
                    entry.comparison = "no output: \(error)"
                    runProblems.append("job \(submitted.id) succeeded but its output cannot be read: \(error)")
                } catch {
                    runProblems.append("\(error)")
                }
            } else {
                runProblems.append("job \(submitted.id) ended \(job?.state.rawValue ?? "missing"), not succeeded")
            }
            report.jobs.append(entry)
        }
    }

    /// The log must show the output written once per success: a start after a `rendered`
    /// event with no requeue between means the job ran again after it had finished.
    func check(_ analysis: JobLogAnalysis, of id: Int64, state: JobState?) {
        if analysis.ranAfterRendering {
            ledger.report(
                "job \(id)'s log shows an attempt started after its output was written, with no requeue between",
                ranTwice: id)
        }
        if state == .succeeded, analysis.rendered == 0 {
            runProblems.append("job \(id) succeeded but its log has no \"rendered\" event")
        }
    }

    /// The daemon's own resume count, when its job records carry one (`resume_count`).
    func resumeCount(_ id: Int64) -> Int? {
        guard let answer = try? supervisor.client.raw(method: "GET", path: "/v1/jobs/\(id)", body: nil),
            answer.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        else { return nil }
        return (object["resume_count"] as? NSNumber)?.intValue
    }

    /// Stops the daemon with SIGTERM, as systemd would; a clean stop exits 0.
    func stopDaemon() {
        let status = supervisor.stop()
        if status != 0 {
            runProblems.append(
                "mosaicd did not stop cleanly on SIGTERM (status \(status.map(String.init) ?? "none, killed"))")
        }
    }

    /// Renders every succeeded job again without interruption and compares.
    func compareWithReferences() throws(TortureError) {
        let references = settings.workDirectory.appendingPathComponent("references")
        try makeDirectory(references)
        let renderer = ReferenceRender(executable: settings.mosaicd, threads: settings.threads)
        for (index, entry) in report.jobs.enumerated() where !lost.contains(entry.id) {
            guard let job = ledger.submitted.first(where: { $0.id == entry.id }) else { continue }
            let reference = references.appendingPathComponent("\(job.id).webp").path
            let started = Date()
            try renderer.render(job, to: reference, logPath: references.appendingPathComponent("\(job.id).log").path)
            let output = settings.workDirectory.appendingPathComponent("outputs/\(job.id).webp").path
            let comparison = OutputComparison(output: output, reference: reference)
            report.jobs[index].pixelsIdentical = comparison.pixelsIdentical
            report.jobs[index].bytesIdentical = comparison.bytesIdentical
            report.jobs[index].comparison = comparison.difference
            if let difference = comparison.difference {
                runProblems.append("job \(job.id)'s output differs from its reference: \(difference)")
            }
            note(
                String(
                    format: "reference of job %lld rendered in %.1f s: pixels %@, bytes %@", job.id,
                    Date().timeIntervalSince(started), comparison.pixelsIdentical ? "identical" : "DIFFER",
                    comparison.bytesIdentical ? "identical" : "differ"))
        }
    }

    func makeDirectory(_ url: URL) throws(TortureError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }
}
