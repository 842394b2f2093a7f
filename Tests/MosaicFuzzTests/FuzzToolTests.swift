import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicFuzz

/// The fuzzer's judges on made-up answers (a checker that cannot fail proves nothing), its
/// determinism, and one short run against the real daemon.
@Suite struct FuzzToolTests {
    static func answer(_ status: Int, _ type: String, _ body: String, extra: String = "") -> [UInt8] {
        Array(
            "HTTP/1.1 \(status) X\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
                .utf8)
    }

    static let get = FuzzCase(kind: .mutatedRequest, label: "GET /v1/status", bytes: [], nonJSONAllowed: [false])

    @Test func theJudgeFlagsServerErrorsBadBodiesAndSilence() {
        let ok = ResponseJudge.judge(Self.get, received: Self.answer(200, "application/json", "{\"a\":1}"), eof: true)
        #expect(ok.problems.isEmpty && ok.statuses == [200])
        let error = ResponseJudge.judge(
            Self.get,
            received: Self.answer(
                404, "application/json",
                "{\"error\":{\"code\":\"not_found\",\"message\":\"no\"}}"), eof: true)
        #expect(error.problems.isEmpty)
        let internalError = ResponseJudge.judge(
            Self.get,
            received: Self.answer(
                500, "application/json",
                "{\"error\":{\"code\":\"internal\",\"message\":\"db\"}}"), eof: true)
        #expect(internalError.problems.count == 1 && internalError.problems[0].hasPrefix("status 500"))
        // NIO's own 400 for broken HTTP has an empty body: not the API's JSON error.
        #expect(
            !ResponseJudge.judge(Self.get, received: Self.answer(400, "application/json", ""), eof: true).problems
                .isEmpty)
        #expect(
            !ResponseJudge.judge(Self.get, received: Self.answer(400, "text/plain", "bad"), eof: true).problems.isEmpty)
        let mismatched = ResponseJudge.judge(
            Self.get,
            received: Self.answer(
                400, "application/json",
                "{\"error\":{\"code\":\"not_found\",\"message\":\"x\"}}"), eof: true)
        #expect(mismatched.problems.first?.contains("does not go with") == true)
        #expect(!ResponseJudge.judge(Self.get, received: [], eof: false).problems.isEmpty)  // owed an answer
        #expect(!ResponseJudge.judge(Self.get, received: Array("garbage\r\n\r\n".utf8), eof: true).problems.isEmpty)
        var broken = Self.get
        broken.answers = 0
        let closed = ResponseJudge.judge(broken, received: [], eof: true)
        #expect(closed.problems.isEmpty && closed.closedWithoutAnswer)
        var flood = Self.get
        flood.kind = .flood
        let busy = Self.answer(503, "application/json", "{\"error\":{\"code\":\"unavailable\",\"message\":\"busy\"}}")
        #expect(ResponseJudge.judge(flood, received: busy, eof: true).problems.isEmpty)
        #expect(!ResponseJudge.judge(Self.get, received: busy, eof: true).problems.isEmpty)
    }

    @Test func nonJSONIsAllowedOnlyOnTheDocumentedRoutes() {
        var metrics = Self.get
        metrics.nonJSONAllowed = [FuzzCase.isNonJSONRoute("/metrics")]
        #expect(
            ResponseJudge.judge(metrics, received: Self.answer(200, "text/plain; version=0.0.4", "m 1\n"), eof: true)
                .problems.isEmpty)
        #expect(
            !ResponseJudge.judge(Self.get, received: Self.answer(200, "text/plain", "m 1\n"), eof: true).problems
                .isEmpty)
        #expect(FuzzCase.isNonJSONRoute("/v1/jobs/3/output") && FuzzCase.isNonJSONRoute("/v1/jobs/3/preview?x=1"))
        #expect(!FuzzCase.isNonJSONRoute("/v1/jobs/3"))
    }

    @Test func theParserSplitsPipelinedChunkedAndCutAnswers() {
        let chunked = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{}\n\n\r\n2\r\n{}\r\n0\r\n\r\n"
                .utf8)
        let both = Self.answer(200, "application/json", "[]") + chunked
        let result = ResponseParser.parse(both, eof: true)
        #expect(result.garbage.isEmpty && result.responses.count == 2)
        #expect(result.responses[1].body == Array("{}\n\n{}".utf8) && result.responses[1].complete)
        let cut = ResponseParser.parse(Array(chunked.dropLast(7)), eof: false)
        #expect(cut.responses.count == 1 && !cut.responses[0].complete)
        var stream = Self.get
        stream.streaming = true
        // An event stream cut at the deadline: complete lines must be JSON, the last may be partial.
        let partial = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{\"a\":1}\n{\"\r\n"
                .utf8)
        #expect(ResponseJudge.judge(stream, received: partial, eof: false).problems.isEmpty)
        let badLine = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nxyz\n\r\n"
                .utf8)
        #expect(!ResponseJudge.judge(stream, received: badLine, eof: false).problems.isEmpty)
    }

    @Test func casesAreASeededFunctionAndSpareTheRender() {
        var a = CaseGenerator(seed: 5, protectedJob: 1)
        var b = CaseGenerator(seed: 5, protectedJob: 1)
        var c = CaseGenerator(seed: 6, protectedJob: 1)
        var differs = false
        var kinds = Set<FuzzCase.Kind>()
        for _ in 0..<2000 {
            let x = a.next()
            let y = b.next()
            let z = c.next()
            #expect(x.bytes == y.bytes && x.label == y.label)
            differs = differs || x.bytes != z.bytes
            kinds.insert(x.kind)
            // Cancel, retry and remove never reach job 1, however its id is spelled.
            if let line = String(decoding: x.bytes.prefix(200), as: UTF8.self).split(separator: "\r\n").first,
                line.hasPrefix("POST /v1/jobs/") || line.hasPrefix("DELETE /v1/jobs/")
            {
                let id = line.split(separator: " ")[1].split(separator: "/")[2]
                if line.contains("/cancel") || line.contains("/retry") || line.hasPrefix("DELETE") {
                    #expect(RequestMutator.decodedId(String(id)) != 1, "\(line)")
                }
            }
            #expect(!x.bytes.isEmpty || x.label.contains("0 random"))
        }
        #expect(differs)
        #expect(kinds == Set(FuzzCase.Kind.allCases))
    }

    @Test func optionsAreChecked() throws {
        let defaults = try FuzzCommand.parse([])
        #expect(defaults.requests == 5000 && defaults.seed == 1 && defaults.maxRSSGrowth == 10)
        for bad in [
            ["--requests", "0"], ["--size", "100"], ["--steps", "1"], ["--threads", "0"],
            ["--requests", "10", "--warmup", "10"],
        ] {
            #expect(throws: (any Error).self, "\(bad)") { try FuzzCommand.parse(bad) }
        }
    }

    /// The real thing, short: the built mosaic-fuzz against the built mosaicd.
    @Test(.timeLimit(.minutes(5))) func aShortFuzzRunPasses() throws {
        let process = Process()
        process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("mosaic-fuzz")
        process.arguments = ["--requests", "300", "--seed", "3", "--size", "256", "--steps", "60", "--quiet"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        let summary = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(
            summary.hasPrefix("fuzz: PASS: 300 requests (seed 3), daemon up, 0 5xx, 0 other failures, RSS "), "\(text)")
        #expect(summary.hasSuffix("render identical"))
        #expect(text.contains("byte-identical to the undisturbed render"))
    }
}
