import Foundation

extension FuzzReport {
    /// The report for people: what was sent, what came back, every failure (the first 40), the
    /// checks, and the summary line last.
    func text() -> String {
        var lines: [String] = []
        lines.append(
            String(
                format: "mosaic-fuzz: %d cases in %.1f s, seed %llu, work directory %@", casesSent, seconds,
                settings.seed,
                settings.workDirectory.path))
        lines.append(
            "  cases: "
                + FuzzCase.Kind.allCases.compactMap { kind in
                    totals.cases[kind].map {
                        String(format: "%@ %d (%.1f s)", kind.rawValue, $0, totals.seconds[kind] ?? 0)
                    }
                }.joined(separator: ", "))
        lines.append(
            String(
                format: "  %d connections, %.1f MB sent; answers by status: %@", totals.connections,
                Double(totals.bytesSent) / 1e6,
                totals.statuses.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }.joined(separator: ", ")))
        let closedByKind = FuzzCase.Kind.allCases.compactMap { kind in
            totals.closedWithoutAnswerByKind[kind].map { "\(kind.rawValue) \($0)" }
        }
        lines.append(
            "  closed without an answer (allowed for broken requests): \(totals.closedWithoutAnswer)"
                + (closedByKind.isEmpty ? "" : " (\(closedByKind.joined(separator: ", ")))")
                + "; connections refused in floods: \(totals.refusedConnections)")
        lines.append(
            "  daemon: \(daemonUp ? "up after every case" : "NOT up"); exit status on SIGTERM: \(exitStatus.map(String.init) ?? "none")"
        )
        let mb = { (kib: Int?) in kib.map { String(format: "%.1f MB", Double($0) / 1024) } ?? "?" }
        lines.append(
            "  memory: VmRSS \(mb(rssAfterWarmup)) after \(settings.warmup) warm-up cases, \(mb(rssAtEnd)) at the end: "
                + (rssGrowth.map { String(format: "%+.1f%%", $0) } ?? "unmeasured")
                + String(format: " (limit +%.0f%%); peak %@", settings.maxRSSGrowth, mb(rssPeak)))
        let renderTime = renderSeconds.map { String(format: "%.1f s", $0) } ?? "?"
        let referenceTime = referenceSeconds.map { String(format: "%.1f s", $0) } ?? "?"
        lines.append(
            "  render: job \(renderJob.map(String.init) ?? "?") (\(settings.size)x\(settings.size), \(settings.steps) steps, euler, lossless) "
                + "ran during cases 1-\(renderRunningUntilCase), \(renderState) after \(renderTime); output \(outputBytes) bytes, "
                + (outputsIdentical ? "byte-identical to" : "NOT identical to")
                + " the undisturbed render in a fresh daemon (\(referenceBytes) bytes, \(referenceTime))")
        if prunesHeldBack > 0 {
            lines.append("  prune cases held back while the render ran (it could be pruned unseen): \(prunesHeldBack)")
        }
        for note in notes { lines.append("  note: \(note)") }
        if totals.failures.isEmpty {
            lines.append("  failures: none")
        } else {
            lines.append("  failures: \(totals.failures.count), by kind of problem (each with its first case):")
            for (shape, group) in failureGroups {
                let first = group[0]
                lines.append("    \(group.count) x \(shape)")
                lines.append(
                    "      #\(first.caseNumber) \(first.kind): \(first.label.prefix(100)): \(first.problem.prefix(300))"
                )
                if !first.request.isEmpty { lines.append("      sent: \(first.request)") }
            }
        }
        lines.append(summaryLine)
        return lines.joined(separator: "\n")
    }

    /// Failures grouped by the shape of their problem (digits blurred, details cut), largest
    /// group first, so 300 copies of one finding read as one line.
    var failureGroups: [(String, [FuzzTally.Failure])] {
        var groups: [String: [FuzzTally.Failure]] = [:]
        var order: [String] = []
        for failure in totals.failures {
            let parts = String(failure.problem.map { $0.isNumber ? "#" : $0 }).components(separatedBy: ": ")
            let shape = String(
                parts.prefix(parts.first?.hasPrefix("answer") == true ? 2 : 1).joined(separator: ": ").prefix(100))
            if groups[shape] == nil { order.append(shape) }
            groups[shape, default: []].append(failure)
        }
        return order.map { ($0, groups[$0] ?? []) }.sorted { $0.1.count > $1.1.count }
    }
}
