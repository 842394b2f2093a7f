import Synchronization

/// The running totals of a fuzz, safe to add to from the stall threads.
final class FuzzTally: Sendable {
    /// One failed check, with the case that caused it.
    struct Failure: Codable {
        /// The case's number, from 1.
        var caseNumber: Int
        /// Its family.
        var kind: String
        /// What the case was.
        var label: String
        /// What went wrong.
        var problem: String
        /// The first bytes sent, escaped.
        var request: String
    }

    /// The totals.
    struct Totals {
        var cases: [FuzzCase.Kind: Int] = [:]
        /// Seconds spent per family (stalls run beside the others).
        var seconds: [FuzzCase.Kind: Double] = [:]
        var statuses: [Int: Int] = [:]
        var connections = 0
        var bytesSent = 0
        /// Connections closed without an answer, by the family of the case.
        var closedWithoutAnswerByKind: [FuzzCase.Kind: Int] = [:]
        /// Connections closed without an answer, all families.
        var closedWithoutAnswer: Int { closedWithoutAnswerByKind.values.reduce(0, +) }
        var refusedConnections = 0
        var serverErrors = 0
        var failures: [Failure] = []
    }

    private let totals = Mutex(Totals())

    /// Adds case `number`'s outcome.
    func add(_ outcome: CaseExecutor.Outcome, of fuzzCase: FuzzCase, number: Int, seconds: Double) {
        totals.withLock { t in
            t.cases[fuzzCase.kind, default: 0] += 1
            t.seconds[fuzzCase.kind, default: 0] += seconds
            for status in outcome.statuses { t.statuses[status, default: 0] += 1 }
            t.connections += outcome.connections
            t.bytesSent += outcome.bytesSent
            if outcome.closedWithoutAnswer > 0 {
                t.closedWithoutAnswerByKind[fuzzCase.kind, default: 0] += outcome.closedWithoutAnswer
            }
            t.refusedConnections += outcome.refusedConnections
            for problem in outcome.problems {
                if problem.hasPrefix("status 5") { t.serverErrors += 1 }
                t.failures.append(
                    Failure(
                        caseNumber: number, kind: fuzzCase.kind.rawValue, label: fuzzCase.label,
                        problem: problem, request: fuzzCase.excerpt))
            }
        }
    }

    /// Records a failure that is not about one answer (the daemon died, say).
    func fail(_ problem: String, caseNumber: Int = 0, label: String = "") {
        totals.withLock {
            $0.failures.append(
                Failure(caseNumber: caseNumber, kind: "run", label: label, problem: problem, request: ""))
        }
    }

    /// A copy of the totals so far.
    var snapshot: Totals { totals.withLock { $0 } }
}
