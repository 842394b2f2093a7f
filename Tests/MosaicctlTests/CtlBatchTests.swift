import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

/// `mosaicctl submit --count / --prompts` and `list`, `watch`, `cancel --batch` against the real
/// daemon: what is queued, what is printed, and that a bad line queues nothing.
@Suite(.serialized) struct CtlBatchTests {
    /// Writes `text` to a file in the daemon's directory and returns its path.
    static func file(_ daemon: DaemonProcess, _ text: String) throws -> String {
        let path = daemon.directory.appendingPathComponent("prompts-\(UUID().uuidString.prefix(6)).txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The jobs `list --batch ID --json` prints, oldest first.
    static func listed(_ batch: Int64, _ daemon: DaemonProcess) throws -> [Job] {
        let result = try CtlRunner.run(["list", "--batch", "\(batch)", "--json"], socket: daemon.socketPath)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map { line in
            try APICoding.decoder().decode(Job.self, from: Data(line.utf8))
        }.sorted { $0.id < $1.id }
    }

    static func batchID(_ result: Command.Result) throws -> Int64 {
        try #require(Int64(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(result)")
    }

    @Test func countQueuesSeedsCountedUpOrRandom() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let seeded = try CtlRunner.run(
            ["submit", "calm sea", "--count", "3", "--seed", "10", "--width", "128", "--height", "128"],
            socket: daemon.socketPath)
        #expect(seeded.status == 0, "\(seeded.stderr)")
        let jobs = try Self.listed(try Self.batchID(seeded), daemon)
        #expect(jobs.map(\.render.seed) == [10, 11, 12])
        #expect(jobs.allSatisfy { $0.render.width == 128 && $0.batchId == (try? Self.batchID(seeded)) })

        let random = try CtlRunner.run(["submit", "calm sea", "--count", "2", "--json"], socket: daemon.socketPath)
        #expect(random.status == 0, "\(random.stderr)")
        let batch = try APICoding.decoder().decode(Batch.self, from: Data(random.stdout.utf8))
        #expect(batch.jobIds.count == 2 && batch.counts["queued"] == 2)
        let seeds = try Self.listed(batch.id, daemon).map(\.render.seed)
        #expect(seeds.count == 2 && seeds[0] != seeds[1])

        let zero = try CtlRunner.run(["submit", "x", "--count", "0"], socket: daemon.socketPath)
        #expect(zero.status != 0 && zero.stderr.contains("--count"))
    }

    @Test func promptsTakesTextAndJSONLinesAndMultipliesWithCount() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let path = try Self.file(
            daemon,
            """
            # ideas for tonight

            red dunes at noon
              {"prompt": "blue glacier", "seed": 7, "steps": 3, "count": 1}
            {"prompt": "green hills", "priority": 9}
            """)
        let result = try CtlRunner.run(
            ["submit", "--prompts", path, "--count", "2", "--seed", "100", "--steps", "5"], socket: daemon.socketPath)
        #expect(result.status == 0, "\(result.stderr)")
        let jobs = try Self.listed(try Self.batchID(result), daemon)
        #expect(
            jobs.map(\.render.prompt) == [
                "red dunes at noon", "red dunes at noon", "blue glacier", "green hills", "green hills",
            ])
        #expect(jobs.map(\.render.seed) == [100, 101, 7, 100, 101])
        #expect(jobs.map(\.render.steps) == [5, 5, 3, 5, 5])
        #expect(jobs.map(\.priority) == [0, 0, 0, 9, 9])

        // The options under a JSON line keep every value exactly; a line's quality makes it lossy.
        let exact = try CtlRunner.run(
            [
                "submit", "--prompts",
                try Self.file(daemon, "{\"prompt\": \"q\", \"quality\": 50}\n{\"prompt\": \"l\"}\n"),
                "--lossless", "--seed", "18446744073709551615", "--guidance", "0.1",
            ], socket: daemon.socketPath)
        #expect(exact.status == 0, "\(exact.stderr)")
        let kept = try Self.listed(try Self.batchID(exact), daemon)
        #expect(kept.map(\.render.seed) == [.max, .max] && kept.map(\.render.guidance) == [0.1, 0.1])
        #expect(kept.map(\.render.lossless) == [false, true] && kept.map(\.render.quality) == [50, nil])

        // Standard input.
        let piped = try Command.run(
            "/bin/sh",
            [
                "-c", "printf 'one\\ntwo\\n' | \"$0\" submit --prompts - --socket \"$1\"", CtlRunner.executable.path,
                daemon.socketPath,
            ])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try Self.listed(try Self.batchID(piped), daemon).map(\.render.prompt) == ["one", "two"])
    }

    @Test func aBadLineQueuesNothingAndIsNamedByItsNumber() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        // Read here: an unknown field, bad JSON.
        let unreadable = try Self.file(daemon, "fine\n\n{\"prompt\": \"x\", \"stepz\": 3}\n{\"prompt\": \nok\n")
        let refused = try CtlRunner.run(["submit", "--prompts", unreadable], socket: daemon.socketPath)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("line 3: unknown field 'stepz'"), "\(refused.stderr)")
        #expect(refused.stderr.contains("and 1 more bad line)") && refused.stderr.contains("nothing was queued"))
        // Judged by the daemon: steps 0 on line 4 (the third render).
        let invalid = try Self.file(daemon, "a\nb\n# c\n{\"prompt\": \"d\", \"steps\": 0}\ne\n")
        let judged = try CtlRunner.run(["submit", "--prompts", invalid], socket: daemon.socketPath)
        #expect(judged.status == 2, "\(judged.stderr)")
        #expect(judged.stderr.contains("line 4: invalid steps"), "\(judged.stderr)")
        #expect(!judged.stderr.contains("items["), "\(judged.stderr)")
        let empty = try CtlRunner.run(
            ["submit", "--prompts", try Self.file(daemon, "# nothing\n")], socket: daemon.socketPath)
        #expect(empty.status == 2 && empty.stderr.contains("no prompts"))
        #expect(try daemon.client.allJobs().isEmpty, "nothing was queued")
    }

    @Test func listWatchAndCancelTakeABatch() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let submitted = try CtlRunner.run(
            ["submit", "calm sea", "--count", "3", "--width", "128", "--height", "128", "--steps", "2"],
            socket: daemon.socketPath)
        let batch = try Self.batchID(submitted)
        let other = try CtlRunner.run(["submit", "other", "--count", "2"], socket: daemon.socketPath)
        let otherBatch = try Self.batchID(other)
        let table = try CtlRunner.run(["list", "--batch", "\(batch)"], socket: daemon.socketPath)
        #expect(table.status == 0 && table.stdout.split(separator: "\n").count == 4, "\(table.stdout)")

        let canceled = try CtlRunner.run(["cancel", "--batch", "\(otherBatch)"], socket: daemon.socketPath)
        #expect(canceled.status == 0, "\(canceled.stderr)")
        #expect(canceled.stdout.split(separator: "\n").allSatisfy { $0.hasSuffix(" canceled") })
        #expect(canceled.stdout.split(separator: "\n").count == 2)
        #expect(try Self.listed(batch, daemon).allSatisfy { $0.state == .queued }, "the other batch is untouched")
        let nothing = try CtlRunner.run(["cancel", "--batch", "\(otherBatch)", "--json"], socket: daemon.socketPath)
        let result = try APICoding.decoder().decode(BatchCancelResult.self, from: Data(nothing.stdout.utf8))
        #expect(result.canceled.isEmpty && result.batch.counts["canceled"] == 2)

        _ = try daemon.client.resume()
        let watched = try CtlRunner.run(["watch", "--batch", "\(batch)"], socket: daemon.socketPath)
        #expect(watched.status == 0, "\(watched.stderr)")
        let lines = watched.stdout.split(separator: "\n")
        #expect(
            lines.count == 3 && lines.allSatisfy { $0.contains(" succeeded ") && $0.hasSuffix(".webp") }, "\(lines)")
        for job in try Self.listed(batch, daemon) {
            #expect(watched.stderr.contains("job \(job.id): succeeded"), "each job's own display: \(watched.stderr)")
        }

        let failing = try CtlRunner.run(["watch", "--batch", "\(otherBatch)"], socket: daemon.socketPath)
        #expect(failing.status == 1 && failing.stderr.contains("batch \(otherBatch): 0 of 2 jobs failed, 2 canceled"))
        let missing = try CtlRunner.run(["watch", "--batch", "999"], socket: daemon.socketPath)
        #expect(missing.status == 4, "\(missing.stderr)")
    }
}
