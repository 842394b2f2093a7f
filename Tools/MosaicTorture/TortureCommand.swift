import ArgumentParser
import Foundation
import MosaicTestSupport

/// `mosaic-torture`: SIGKILL a real mosaicd mid-render again and again, then check that no job
/// was lost or run twice and every output equals an uninterrupted render.
@main
struct TortureCommand: ParsableCommand {
    /// The fault windows the daemon widens by default (`MOSAIC_FAULTS`).
    static let defaultFaults = "checkpoint.before-rename=100ms,checkpoint.before-fsync=50ms,store.before-commit=30ms"

    static let configuration = CommandConfiguration(
        commandName: "mosaic-torture",
        abstract: "Kill mosaicd with SIGKILL mid-render, over and over; check every job ends once, bit-identical.",
        discussion: """
            Starts the real `mosaicd serve` on a temporary state directory and socket, submits \
            --jobs lossless renders with fixed seeds (euler_a, dpmpp_2m, dpmpp_2m_karras, ddim, \
            euler; overlap, shifted and none tilings), then delivers --kills SIGKILLs. Each kill \
            is aimed at a phase and lands after a random delay drawn from --seed (the plan is \
            reproducible; the timing of a busy machine is not):

              startup        0-300 ms after the process starts (store, recovery)
              early          0-300 ms after the socket answers (claim, first tiles)
              mid-step       0.3-6 s after the socket answers
              step-boundary  0-150 ms after a completed step (commit, checkpoint)
              finishing      0-3 s after the last step (decode, encode, write)
              handover       0-300 ms after a job succeeds (next claim, set-up)

            When the queue runs empty before the last kill, one more job is submitted \
            (--no-refill to stop that), so that every kill lands on work.

            After each kill the daemon is restarted, sometimes with the other of 1 and 2 \
            --threads (the output must not change), and the kill counts as survived once the \
            restarted daemon answers with every job still in the queue, unchanged, and no \
            success taken back. MOSAIC_FAULTS (default: \(TortureCommand.defaultFaults)) makes \
            the daemon pause inside checkpoint writes and database commits, so kills land there.

            Then the daemon finishes the queue undisturbed and every job must have succeeded, \
            with one success in its log and an output whose pixels equal `mosaicd render \
            --lossless` with the same parameters (rendered afterwards by the same binary); equal \
            file bytes are reported too. The last line sums up: kills survived, outputs \
            identical, jobs lost, jobs run twice. --json prints the whole report as JSON.

            EXIT STATUS
              0 when everything holds, 1 when anything does not, 2 on a usage error.

            EXAMPLES
              swift build && .build/debug/mosaic-torture
              .build/release/mosaic-torture --kills 200 --seed 7 --json > torture.json
            """)

    @Option(help: ArgumentHelp("The mosaicd executable (default: the one next to this program).", valueName: "path"))
    var mosaicd: String?

    @Option(
        help: ArgumentHelp(
            "The daemon's state directory; must hold no queue yet (default: a temporary one).",
            valueName: "dir"))
    var stateDir: String?

    @Option(help: ArgumentHelp("The daemon's socket (default: in the temporary directory).", valueName: "path"))
    var socket: String?

    @Option(help: "The daemon's --threads at the first start.")
    var threads: Int = 2

    @Flag(inversion: .prefixedNo, help: "At each restart pick --threads or the other of 1 and 2 at random.")
    var varyThreads = true

    @Option(help: ArgumentHelp("MOSAIC_FAULTS for the daemon.", valueName: "spec"))
    var faults: String = TortureCommand.defaultFaults

    @Flag(help: "Pass no MOSAIC_FAULTS.")
    var noFaults = false

    @Option(help: "Jobs to submit at the start.")
    var jobs: Int = 4

    @Flag(inversion: .prefixedNo, help: "Submit one more job whenever the queue runs empty before the last kill.")
    var refill = true

    @Option(help: "SIGKILLs to deliver.")
    var kills: Int = 20

    @Option(help: "Seed of the kill plan and of the jobs' seeds.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The renders' base size in px (some jobs use 3/4 of it on one side).", valueName: "px"))
    var size: Int = 1536

    @Option(help: "The renders' base step count (some jobs use 4 more or fewer).")
    var steps: Int = 32

    @Option(help: "Seconds a restarted daemon may take to answer on its socket.")
    var readyTimeout: Double = 60

    @Option(help: "Seconds the queue may take to finish after the last kill.")
    var drainTimeout: Double = 900

    @Flag(help: "Print the report as JSON on stdout (the summary line goes to stderr).")
    var json = false

    @Flag(help: "Keep the temporary directory even when everything holds.")
    var keep = false

    @Flag(name: .shortAndLong, help: "No progress lines on stderr.")
    var quiet = false

    /// Parses and runs; usage errors exit 2 with one line on stderr (ArgumentParser's own
    /// status for them is 64), a failed check exits 1.
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
                    ("mosaic-torture: " + message.replacingOccurrences(of: "Error: ", with: "")
                        + "\nRun 'mosaic-torture --help' for usage.\n").utf8))
            Foundation.exit(2)
        }
    }

    func validate() throws {
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1...1024") }
        guard (1...100).contains(jobs) else { throw ValidationError("--jobs must be in 1...100") }
        guard (0...100_000).contains(kills) else { throw ValidationError("--kills must be in 0...100000") }
        guard (64...16376).contains(size), size % 8 == 0 else {
            throw ValidationError("--size must be a multiple of 8 in 64...16376")
        }
        guard (5...1000).contains(steps) else { throw ValidationError("--steps must be in 5...1000") }
        guard readyTimeout > 0, drainTimeout > 0 else { throw ValidationError("timeouts must be positive") }
        if noFaults, faults != Self.defaultFaults {
            throw ValidationError("--faults and --no-faults exclude each other")
        }
    }

    func run() throws {
        let settings = try makeSettings()
        DaemonReaper.install()
        let report = TortureRun(settings: settings).run()
        if json {
            print(report.json())
            FileHandle.standardError.write(Data((report.summaryLine + "\n").utf8))
        } else {
            print(report.text())
        }
        if report.passed, !keep {
            try? FileManager.default.removeItem(at: settings.workDirectory)
        }
        guard report.passed else { throw ExitCode.failure }
    }
}
