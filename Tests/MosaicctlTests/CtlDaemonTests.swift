import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

/// mosaicctl against a scripted daemon: what it sends, prints, and how it exits.
@Suite struct CtlDaemonTests {
    @Test func daemonStatusesMapToExitStatuses() throws {
        let server = try FakeDaemon { request in
            switch request.target {
            case "/v1/jobs/42", "/v1/jobs/42/log": .send([Wire.error(.notFound, "no job 42")])
            case "/v1/jobs/7/cancel": .send([Wire.error(.forbidden, "job 7 belongs to bob")])
            case "/v1/jobs": .send([Wire.error(.unprocessable, "width 100 is not a multiple of 8")])
            case "/v1/queue/pause": .send([Wire.error(.conflict, "busy")])
            default: .send([Wire.response(200, Wire.json(Sample.job(3, .canceled)))])
            }
        }
        defer { server.stop() }
        let cases: [([String], Int32, String)] = [
            (["show", "42"], 4, "mosaicctl: no job 42\n"),
            (["cancel", "7"], 5, "mosaicctl: job 7: job 7 belongs to bob\n"),
            (["submit", "x", "--width", "100"], 2, "mosaicctl: width 100 is not a multiple of 8\n"),
            (["pause"], 1, "mosaicctl: busy\n"),
        ]
        for (arguments, status, stderr) in cases {
            let result = try CtlRunner.run(arguments + ["--socket", server.path])
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr == stderr, "\(arguments)")
        }
        // Several ids: each failure is reported, the rest still done, the first failure decides.
        let batch = try CtlRunner.run(["cancel", "3", "7", "--socket", server.path])
        #expect(batch.status == 5 && batch.stdout == "3 canceled\n")
        #expect(batch.stderr.hasPrefix("mosaicctl: job 7: job 7 belongs to bob\n"))
    }

    @Test func submitSendsTheRenderOptionsAndPrintsTheID() throws {
        let server = try FakeDaemon { _ in .send([Wire.response(201, Wire.json(Sample.job(12)))]) }
        defer { server.stop() }
        let result = try CtlRunner.run([
            "submit", "rocky desert", "--negative-prompt", "fog", "--model", "mosaic-field", "--width", "4096",
            "--height", "2048", "--steps", "20", "--sampler", "euler_a", "--guidance", "3.5", "--seed",
            "18446744073709551615",
            "--tiling", "shifted", "--tile-size", "96", "--tile-overlap", "8", "--tile-weighting", "uniform",
            "--lossless", "--priority=-3", "--socket", server.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "12\n")
        let sent = try APICoding.decoder().decode(SubmitRequest.self, from: Data(server.requests.first?.body ?? []))
        #expect(
            sent
                == SubmitRequest(
                    render: RenderSpec(
                        prompt: "rocky desert", negativePrompt: "fog", model: "mosaic-field", width: 4096, height: 2048,
                        steps: 20,
                        sampler: "euler_a", guidance: 3.5, seed: .max, tiling: "shifted", tileSize: 96, tileOverlap: 8,
                        tileWeighting: "uniform", lossless: true), priority: -3))

        let minimal = try CtlRunner.run(["submit", "--prompt", "x", "--socket", server.path])
        #expect(minimal.status == 0)
        #expect(String(decoding: server.requests.last?.body ?? [], as: UTF8.self) == #"{"render":{"prompt":"x"}}"#)
    }

    @Test func listShowsATableAndJSON() throws {
        let server = try FakeDaemon { request in
            let jobs =
                request.target.contains("state=queued")
                ? [Sample.job(9, .running), Sample.job(10)]
                : [Sample.job(4, .succeeded), Sample.job(2, .failed)]
            return .send([Wire.response(200, Wire.json(JobPage(jobs: jobs, nextBefore: nil)))])
        }
        defer { server.stop() }
        let table = try CtlRunner.run(["list", "--socket", server.path])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("ID  STATE") && lines[0].hasSuffix("PROMPT"))
        #expect(lines.dropFirst().map { $0.split(separator: " ")[0] } == ["10", "9", "4", "2"])
        #expect(lines[2].contains("running") && lines[2].contains("2048x1024") && lines[2].contains("41%"))
        #expect(
            server.requests.map(\.target) == [
                "/v1/jobs?state=queued&state=running&limit=500",
                "/v1/jobs?state=succeeded&state=failed&state=canceled&limit=10",
            ])
        let json = try CtlRunner.run(["list", "--all", "--json", "--owner", "1000", "--socket", server.path])
        #expect(json.stdout.split(separator: "\n").count == 2)
        #expect(server.requests.last?.target == "/v1/jobs?owner=1000&limit=500")
    }

    @Test func showPrintsTheJobCheckpointAttemptsAndLog() throws {
        let log = [
            LogLine(time: Sample.created, level: .info, message: "started"),
            LogLine(time: Sample.created, level: .warning, message: "resumed after step 11"),
        ]
        let server = try FakeDaemon { request in
            request.target.hasSuffix("/log")
                ? .send([Wire.response(200, Wire.json(log))])
                : .send([Wire.response(200, Wire.json(Sample.job(7, .running)))])
        }
        defer { server.stop() }
        let result = try CtlRunner.run(["show", "7", "--socket", server.path])
        #expect(result.status == 0, "\(result.stderr)")
        for needle in [
            "state:", "running", "alice (uid 1000)", "after step 11", "resumed from a checkpoint 0 times", "step 12/30",
            "seed:", "resumed after step 11", "dpmpp_2m",
        ] {
            #expect(result.stdout.contains(needle), "\(needle)")
        }
    }

    @Test func outputWritesTheImageBytes() throws {
        let image = (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
        let server = try FakeDaemon { _ in .send([Wire.response(200, image, contentType: "image/webp")]) }
        defer { server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID().uuidString).webp").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CtlRunner.run(["output", "7", "-o", path, "--socket", server.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.contents(atPath: path) == Data(image))
        let missing = try CtlRunner.run(["output", "7", "-o", "/nonexistent-dir/x.webp", "--socket", server.path])
        #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
    }
}
