import ArgumentParser
import Foundation
import MosaicTestSupport

/// `mosaic-fuzz`: drive a real mosaicd with hostile requests while it renders; check it stays
/// up, answers every request with valid JSON and no 5xx, keeps its memory flat, and finishes
/// the render bit-identical to an undisturbed one.
@main
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic-fuzz",
        abstract: "Fuzz a real mosaicd over its socket while it renders; check it survives, unchanged.",
        discussion: """
            Starts the real `mosaicd serve` on a temporary state directory and socket, submits a \
            lossless euler render with the built-in model (--size, --steps), waits for its first step, \
            pauses the queue (so submitted jobs wait) and then sends --requests cases drawn from \
            --seed (the same seed sends the same bytes):

              mutated request  every route with field values bent: extreme numbers, wrong types,
                               huge strings, invalid UTF-8, deep nesting, unknown and duplicate
                               fields, junk ids and queries, wrong methods, odd headers
              malformed HTTP   bad request lines, bad headers, bad chunked encoding, lying
                               Content-Length, TLS and HTTP/2 prefaces
              random bytes     1 byte to 70 kB, sometimes behind a valid request line
              huge body        64 KiB + 1 to 1 MiB (413), exactly 64 KiB, 1 TB announced
              truncated body   plain and chunked bodies cut short
              pipelined        2 to 4 requests in one write on a kept-alive connection
              stall            slowloris: a request dribbled out, or left unfinished and idle
                               (on threads of their own, at most --max-stalls at once)
              flood            20 to 200 connections opened at once
              hostile upload   POST /v1/images with no acceptable image: random bytes, a
                               100000 x 100000 PNG header, headers and garbage (must be 4xx)

            The render's job is never canceled, retried or removed, and the queue is never \
            resumed. Every answer is checked: no 5xx (a 503 counts as honest only in stalls and \
            floods, which overload on purpose), a JSON body (an API error shaped \
            {"error":{"code","message"}} with the matching status) except the documented non-JSON \
            answers of /metrics, outputs and previews, no bytes that are not HTTP, and an answer \
            to every well-formed request. After the run the daemon must answer GET /v1/status, its \
            VmRSS must have grown less than --max-rss-growth percent since the end of the warm-up, \
            the render must succeed with a file byte-identical to the same job rendered by a \
            fresh daemon afterwards, and the daemon must exit 0 on SIGTERM.

            EXIT STATUS
              0 when everything holds, 1 when anything does not, 2 on a usage error.

            EXAMPLES
              swift build && .build/debug/mosaic-fuzz --requests 5000
              .build/release/mosaic-fuzz --requests 100000 --seed 7 --steps 1000
            """)

    @Option(help: "Fuzz cases to send.")
    var requests: Int = 5000

    @Option(help: "Seed of the cases and of the render.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Cases before the memory baseline (default: a tenth, at least 200).", valueName: "n"))
    var warmup: Int?

    @Option(help: ArgumentHelp("The mosaicd executable (default: the one next to this program).", valueName: "path"))
    var mosaicd: String?

    @Option(
        help: ArgumentHelp(
            "Directory for the daemons' state, sockets and logs (default: a temporary one).", valueName: "dir"))
    var workDir: String?

    @Option(help: "The daemon's render threads.")
    var threads: Int = 1

    @Option(help: ArgumentHelp("The render's width and height.", valueName: "px"))
    var size: Int = 512

    @Option(help: "The render's steps: enough that it still runs when the fuzz ends.")
    var steps: Int = 1000

    @Option(help: "Stalls that may run at once.")
    var maxStalls: Int = 4

    @Option(
        name: .customLong("max-rss-growth"),
        help: ArgumentHelp("Allowed VmRSS growth after the warm-up, in percent.", valueName: "percent"))
    var maxRSSGrowth: Double = 10

    @Option(help: ArgumentHelp("Seconds the render may take to finish after the fuzz.", valueName: "s"))
    var renderTimeout: Double = 600

    @Flag(help: "Keep the work directory even when everything holds.")
    var keep = false

    @Flag(name: .shortAndLong, help: "No progress lines on stderr.")
    var quiet = false

    /// Parses and runs; usage errors exit 2 with one line on stderr, a failed check exits 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(
                Data(
                    ("mosaic-fuzz: " + message.replacingOccurrences(of: "Error: ", with: "")
                        + "\nRun 'mosaic-fuzz --help' for usage.\n").utf8))
            Foundation.exit(2)
        }
    }

    func validate() throws {
        guard (1...10_000_000).contains(requests) else { throw ValidationError("--requests must be in 1...10000000") }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1...1024") }
        guard (64...4096).contains(size), size % 8 == 0 else {
            throw ValidationError("--size must be a multiple of 8 in 64...4096")
        }
        guard (2...1000).contains(steps) else { throw ValidationError("--steps must be in 2...1000") }
        guard (1...64).contains(maxStalls) else { throw ValidationError("--max-stalls must be in 1...64") }
        guard maxRSSGrowth > 0, renderTimeout > 0 else {
            throw ValidationError("--max-rss-growth and --render-timeout must be positive")
        }
        if let warmup, !(0..<requests).contains(warmup) { throw ValidationError("--warmup must be in 0..<--requests") }
    }

    /// The settings, with the defaults that depend on the machine filled in.
    func makeSettings() throws -> FuzzSettings {
        let executable =
            mosaicd.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
            .resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("mosaicd")
        let directory =
            workDir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("mosaic-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw FuzzError.io(path: directory.path, reason: "\(error)")
        }
        return FuzzSettings(
            mosaicd: executable, workDirectory: directory, requests: requests, seed: seed,
            warmup: warmup ?? min(requests - 1, max(200, requests / 10)), threads: threads, size: size, steps: steps,
            maxStalls: maxStalls, maxRSSGrowth: maxRSSGrowth, renderTimeout: renderTimeout,
            progressEvery: quiet ? 0 : 1000)
    }

    func run() throws {
        let settings = try makeSettings()
        DaemonReaper.install()
        let report = FuzzRun(settings: settings).run()
        print(report.text())
        if report.passed, !keep { try? FileManager.default.removeItem(at: settings.workDirectory) }
        guard report.passed else { throw ExitCode.failure }
    }
}
