import Foundation

extension TortureReport {
    /// The human-readable report; its last line is `summaryLine`.
    func text() -> String {
        var lines: [String] = []
        let added = jobsAdded > 0 ? " (\(jobsAdded) added when the queue ran empty)" : ""
        lines.append(
            "mosaic-torture: seed \(seed), \(jobs.count) jobs\(added), \(killsDelivered) of \(killsPlanned) kills delivered, "
                + "\(daemonStarts) daemon starts, faults: \(faults ?? "off")")
        let byPhase = KillPhase.allCases.map { phase in
            let kills = self.kills.filter { $0.plan.phase == phase }
            let reached = kills.filter(\.phaseReached).count
            return "\(phase.rawValue) \(kills.count)" + (reached < kills.count ? " (\(reached) on cue)" : "")
        }
        lines.append("kills by phase: " + byPhase.joined(separator: ", "))
        let busy = kills.filter { $0.jobsUnfinished > 0 }.count
        lines.append(
            "kills with jobs still unfinished: \(busy) of \(killsDelivered)"
                + (busy < killsDelivered ? " (the others hit a daemon with nothing left to do)" : ""))
        let threads = Set(kills.map(\.plan.threadsAfterRestart)).sorted().map(String.init).joined(separator: " and ")
        if !threads.isEmpty { lines.append("restarted with --threads \(threads)") }
        lines.append("")
        lines.append(
            Self.row(["job", "render", "state", "attempts", "resumes", "from step 0", "rendered", "pixels", "bytes"]))
        for job in jobs {
            lines.append(
                Self.row([
                    String(job.id), job.summary, job.state ?? "LOST", String(job.attempts), String(job.resumes),
                    String(job.restartsFromZero), String(job.log.rendered), job.pixelsIdentical ? "same" : "DIFFER",
                    job.bytesIdentical ? "same" : "differ",
                ]))
        }
        lines.append("")
        if problems.isEmpty {
            lines.append("problems: none")
        } else {
            lines.append("problems:")
            lines += problems.map { "  - " + $0.replacingOccurrences(of: "\n", with: "\n    ") }
        }
        lines.append(
            String(
                format: "time: %.1f s (kills %.1f s, finishing the queue %.1f s, references %.1f s)",
                totalSeconds, killSeconds, drainSeconds, referenceSeconds))
        lines.append("work directory: \(workDirectory)")
        lines.append(summaryLine)
        return lines.joined(separator: "\n")
    }

    /// One table row with fixed column widths (the render column is the wide one).
    private static func row(_ cells: [String]) -> String {
        let widths = [4, 44, 10, 9, 8, 12, 9, 7, 6]
        return zip(cells, widths).map { cell, width in
            cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)
        }.joined().trimmingCharacters(in: .whitespaces)
    }
}
