@testable import MosaicDaemon
import Testing

/// Targets are parsed once and then remembered, within bounds.
@Suite struct KeptTargetsTests {
    /// A parser that counts its calls and names `/v1/jobs/<n>` as job n, `/v1/jobs` as a page.
    final class CountingParser {
        var calls = 0
        func parse(_ target: String) -> KeptTargets.Name? {
            calls += 1
            if target == "/v1/jobs" { return .page("newest 50") }
            guard target.hasPrefix("/v1/jobs/"), let id = Int64(target.dropFirst(9)) else { return nil }
            return .job(id)
        }
    }

    @Test func aTargetIsParsedOnceAndNamesTheSameAnswerAfter() {
        let targets = KeptTargets(), parser = CountingParser()
        for _ in 0..<3 {
            #expect(targets.name(of: "/v1/jobs/7", parse: parser.parse) == .job(7))
            #expect(targets.name(of: "/v1/jobs", parse: parser.parse) == .page("newest 50"))
        }
        #expect(parser.calls == 2 && targets.count == 2)
    }

    @Test func targetsNamingNothingAreParsedEachTime() {
        let targets = KeptTargets(), parser = CountingParser()
        for _ in 0..<3 { #expect(targets.name(of: "/v1/status", parse: parser.parse) == nil) }
        #expect(parser.calls == 3 && targets.count == 0)
    }

    @Test func longTargetsAreNotRememberedAndTheCountIsBounded() {
        let targets = KeptTargets(capacity: 4, maximumTargetLength: 16), parser = CountingParser()
        #expect(targets.name(of: "/v1/jobs/1234567890", parse: parser.parse) == .job(1_234_567_890))
        #expect(targets.count == 0, "19 bytes is over the 16 allowed")
        for id in 1...9 {
            #expect(targets.name(of: "/v1/jobs/\(id)", parse: parser.parse) == .job(Int64(id)))
            #expect(targets.count <= 4)
        }
        // The ninth is remembered (the set started again at the fifth).
        let calls = parser.calls
        #expect(targets.name(of: "/v1/jobs/9", parse: parser.parse) == .job(9) && parser.calls == calls)
    }
}
