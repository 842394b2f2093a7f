import Foundation

/// The outcome of a torture run, printed as text or JSON.
struct TortureReport: Codable, Sendable {
    var seed: UInt64
    var killsPlanned: Int
    var kills: [KillRecord] = []
    var jobs: [JobReport] = []
    /// Jobs submitted during the kills because the queue had run empty (`--refill`).
    var jobsAdded = 0
    /// Daemon starts, the first one included.
    var daemonStarts = 0
    /// Submitted jobs that did not end succeeded with an output (missing, failed, unfinished).
    var jobsLost = 0
    /// Jobs that ran again after they had succeeded.
    var jobsRunTwice = 0
    /// Violations, in the order they were found.
    var problems: [String] = []
    /// Wall-clock seconds: the kill loop, letting the queue finish, the reference renders, all.
    var killSeconds = 0.0
    var drainSeconds = 0.0
    var referenceSeconds = 0.0
    var totalSeconds = 0.0
    /// The directory with the state, the daemon's log, the outputs and the references.
    var workDirectory: String
    /// Whether the daemon ran with `MOSAIC_FAULTS`, and with what.
    var faults: String?

    var killsDelivered: Int { kills.count }
    var killsSurvived: Int { kills.filter(\.survived).count }
    var outputsIdentical: Int { jobs.filter(\.pixelsIdentical).count }
    var outputsByteIdentical: Int { jobs.filter(\.bytesIdentical).count }

    /// Everything held: every kill delivered and survived, no job lost or run twice, every
    /// output equal to its reference, no other problem.
    var passed: Bool {
        problems.isEmpty && killsDelivered == killsPlanned && killsSurvived == killsDelivered && jobsLost == 0
            && jobsRunTwice == 0 && outputsIdentical == jobs.count
    }

    /// The last line of every run, also what `make test` shows.
    var summaryLine: String {
        "torture: \(killsSurvived) of \(killsDelivered) kills survived, \(outputsIdentical) of \(jobs.count) outputs "
            + "identical, \(jobsLost) jobs lost, \(jobsRunTwice) run twice"
    }

    /// The JSON form: the stored fields plus the derived counts, the verdict and the summary line.
    func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Document(report: self)) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The report's own keys and the derived ones in one flat object.
    private struct Document: Encodable {
        let report: TortureReport

        enum Key: String, CodingKey {
            case killsDelivered, killsSurvived, outputsIdentical, outputsByteIdentical, passed, summary
        }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(report.killsDelivered, forKey: .killsDelivered)
            try container.encode(report.killsSurvived, forKey: .killsSurvived)
            try container.encode(report.outputsIdentical, forKey: .outputsIdentical)
            try container.encode(report.outputsByteIdentical, forKey: .outputsByteIdentical)
            try container.encode(report.passed, forKey: .passed)
            try container.encode(report.summaryLine, forKey: .summary)
        }
    }
}
