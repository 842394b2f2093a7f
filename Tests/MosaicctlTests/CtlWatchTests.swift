import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

/// `mosaicctl watch` and `submit --wait`: progress lines, verdicts, and streams that break.
@Suite struct CtlWatchTests {
    @Test func watchExitsByTheJobsEnd() throws {
        for (ending, status) in [(JobState.succeeded, Int32(0)), (.failed, 1), (.canceled, 1)] {
            let wire = Wire.chunked(200, [Sample.ndjson(Sample.events(5, ending: ending))])
            let server = try FakeDaemon { _ in .send(Wire.split(wire, sizes: [300])) }
            defer { server.stop() }
            let result = try CtlRunner.run(["watch", "5", "--socket", server.path])
            #expect(result.status == status, "\(ending): \(result.stderr)")
            // Not a terminal: plain lines, one per state change, finished step and log message.
            #expect(result.stderr.contains("job 5: running\n"), "\(result.stderr)")
            #expect(result.stderr.contains("job 5: step 1/2 elapsed 1.0s eta 1.0s\n"), "\(result.stderr)")
            #expect(result.stderr.contains("job 5: resumed from step 1"), "\(result.stderr)")
            if ending == .succeeded {
                #expect(result.stdout == "/var/lib/mosaic/outputs/5.webp\n")
            } else {
                #expect(result.stdout.isEmpty)
                #expect(
                    result.stderr.hasSuffix(
                        ending == .failed
                            ? "mosaicctl: job 5 failed: out of memory\n"
                            : "mosaicctl: job 5 was canceled\n"))
            }
        }
    }

    /// The daemon sends the final state change and then the end event with the same job: the
    /// verdict line is shown once.
    @Test func theVerdictLineIsNotRepeatedByTheEndEvent() throws {
        let sample = Sample.events(5)
        let end = try #require(sample.last)
        let events =
            Array(sample.dropLast()) + [
                JobEvent(type: .state, jobId: 5, time: end.time, state: .succeeded, job: end.job), end,
            ]
        let server = try FakeDaemon { _ in .send([Wire.chunked(200, [Sample.ndjson(events)])]) }
        defer { server.stop() }
        let result = try CtlRunner.run(["watch", "5", "--socket", server.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "job 5: succeeded").count == 2, "\(result.stderr)")
    }

    @Test func watchJSONPrintsEveryEventAsALine() throws {
        let events = Sample.events(5)
        let server = try FakeDaemon { _ in .send([Wire.chunked(200, [Sample.ndjson(events)])]) }
        defer { server.stop() }
        let result = try CtlRunner.run(["watch", "5", "--json", "--socket", server.path])
        #expect(result.status == 0 && result.stderr.isEmpty)
        let decoded = try result.stdout.split(separator: "\n").map {
            try APICoding.decoder().decode(JobEvent.self, from: Data($0.utf8))
        }
        #expect(decoded == events)
    }

    @Test func submitWaitPrintsTheIDThenTheOutputPath() throws {
        let server = try FakeDaemon { request in
            request.method == "POST"
                ? .send([Wire.response(201, Wire.json(Sample.job(5)))])
                : .send([Wire.chunked(200, [Sample.ndjson(Sample.events(5))])])
        }
        defer { server.stop() }
        let result = try CtlRunner.run(["submit", "x", "--wait", "--socket", server.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "5\n/var/lib/mosaic/outputs/5.webp\n")
        #expect(server.requests.map(\.target) == ["/v1/jobs", "/v1/jobs/5/events"])
    }

    @Test func aStreamThatBreaksIsReopenedUntilTheEnd() throws {
        let events = Sample.events(5)
        let calls = Counter()
        let server = try FakeDaemon { request in
            switch request.target {
            // First stream: the daemon restarts after two events, without an end event.
            case "/v1/jobs/5/events" where calls.next() == 0:
                .send([Wire.chunked(200, [Sample.ndjson(Array(events.prefix(2)))])])
            case "/v1/jobs/5/events":
                .send([Wire.chunked(200, [Sample.ndjson(Array(events.suffix(3)))])])
            default:
                .send([Wire.response(200, Wire.json(Sample.job(5, .running)))])
            }
        }
        defer { server.stop() }
        let result = try CtlRunner.run(["watch", "5", "--socket", server.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "/var/lib/mosaic/outputs/5.webp\n")
        #expect(server.requests.map(\.target) == ["/v1/jobs/5/events", "/v1/jobs/5", "/v1/jobs/5/events"])
    }

    @Test func aStreamThatEndsEarlyOnAFinishedJobEndsTheWatch() throws {
        let server = try FakeDaemon { request in
            request.target.hasSuffix("events")
                ? .send([Wire.chunked(200, [])])
                : .send([Wire.response(200, Wire.json(Sample.job(5, .failed)))])
        }
        defer { server.stop() }
        let result = try CtlRunner.run(["watch", "5", "--socket", server.path])
        #expect(result.status == 1 && result.stderr == "mosaicctl: job 5 failed: out of memory\n")
    }
}
