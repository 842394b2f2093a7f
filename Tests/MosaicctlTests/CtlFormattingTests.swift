import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

@testable import mosaicctl

/// The ctl's pure pieces: durations, tables, progress text, error mapping.
@Suite struct CtlFormattingTests {
    @Test func timeSpansParse() {
        #expect(TimeSpan(argument: "7d")?.seconds == 604_800)
        #expect(TimeSpan(argument: "12h")?.seconds == 43_200)
        #expect(TimeSpan(argument: "30m")?.seconds == 1800)
        #expect(TimeSpan(argument: "1d12h")?.seconds == 129_600)
        #expect(TimeSpan(argument: "2w")?.seconds == 1_209_600)
        for bad in ["", "7", "d", "7x", "-1d", "1.5h", "7d3"] { #expect(TimeSpan(argument: bad) == nil, "\(bad)") }
    }

    @Test func clientErrorsMapToExitStatuses() {
        let api = { (status: Int) in ClientError.api(status: status, error: APIError(.internal, "m")) }
        #expect(CtlError(ClientError.unreachable(socket: "/s", reason: "r")).status == .unreachable)
        #expect(CtlError(api(404)).status == .noSuchJob)
        #expect(CtlError(api(403)).status == .permissionDenied)
        for status in [400, 413, 422] { #expect(CtlError(api(status)).status == .usage) }
        for status in [405, 409, 500] { #expect(CtlError(api(status)).status == .failure) }
        for status in [429, 503] {
            #expect(CtlError(api(status)).status == .busy)
            #expect(CtlError(api(status)).message.contains("try again later"))
        }
        let tooLarge = ClientError.api(
            status: 422,
            error: APIError(
                .unprocessable, "too large", estimate: JobResourceEstimate(memoryBytes: 3 << 30, diskBytes: 5 << 20),
                budget: ResourceBudget(memoryBytes: 1 << 30, diskBytes: 1 << 40)))
        #expect(
            CtlError(tooLarge).message
                == "too large [estimate: memory 3.0 GiB (budget 1.0 GiB), disk 5.0 MiB (budget 1.0 TiB)]")
        #expect(CtlError(ClientError.timeout(socket: "/s", phase: "p", seconds: 1)).status == .failure)
        #expect(CtlError(ClientError.protocolViolation("x")).status == .failure)
        #expect(CtlError(api(404)).message == "m")
    }

    @Test func tablesAlignAndCutThePromptToTheTerminal() {
        var job = Sample.job(7, .running)
        job.render.prompt = String(repeating: "long prompt ", count: 20)
        let now = Sample.created.addingTimeInterval(3 * 3600 + 5)
        let lines = JobTable(jobs: [job, Sample.job(12)], now: now).render(columns: 100)
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(lines[1].hasSuffix("…"))
        #expect(lines[1].hasPrefix(" 7  running"))
        #expect(lines[2].hasPrefix("12  queued"))
        #expect(lines[1].contains(" 3h ") && lines[1].contains("41% ETA 01:30"))
        let columns = lines.map { $0.range(of: "alice")?.lowerBound.utf16Offset(in: $0) }
        #expect(
            columns[1] == columns[2] && columns[1] == lines[0].range(of: "OWNER")?.lowerBound.utf16Offset(in: lines[0]))
    }

    @Test func progressTextCountsTilesOfTheCurrentStep() {
        let progress = JobProgress(
            step: 12, steps: 30, tilesDone: 3, tilesTotal: 8, elapsedSeconds: 62, etaSeconds: 3725)
        #expect(Format.percent(progress) == "41%")
        #expect(
            ProgressDisplay.bar(label: "job 7", progress, width: 10)
                == "job 7 [####......] step 12/30 tiles 3/8 01:02 elapsed, ETA 1:02:05")
        var staged = progress
        staged.stage = 1
        staged.stages = 5
        staged.phase = .denoise
        #expect(
            ProgressDisplay.bar(label: "job 7", staged, width: 10)
                == "job 7 [####......] stage 2/5 step 12/30 tiles 3/8 01:02 elapsed, ETA 1:02:05")
        staged.phase = .decode
        #expect(Format.position(staged) == "stage 2/5 decode")
        #expect(Format.age(59) == "59s" && Format.age(3600) == "1h" && Format.age(200_000) == "2d")
        #expect(Format.truncate("abcdef", to: 4) == "abc…" && Format.truncate("abc", to: 4) == "abc")
    }
}
