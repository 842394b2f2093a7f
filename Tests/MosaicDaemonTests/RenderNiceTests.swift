import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

/// The daemon's render threads run at `render_nice`, its event loop at the process's own nice
/// value, so API answers do not wait behind a render for a time slice.
@Suite struct RenderNiceTests {
    /// Nice value (field 19 of /proc/PID/task/TID/stat) of every thread of `pid`, by thread name.
    static func niceValues(of pid: Int32) -> [(name: String, nice: Int)] {
        let tasks = "/proc/\(pid)/task"
        return ((try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []).compactMap { tid in
            guard let stat = try? String(contentsOfFile: "\(tasks)/\(tid)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after the name start with field 3 (state); nice is field 19.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 16, let nice = Int(fields[16]) else { return nil }
            return (String(stat[stat.index(after: open)..<close]), nice)
        }
    }

    @Test(arguments: [nil, 3] as [Int?])
    func renderThreadsRunAtRenderNice(_ nice: Int?) throws {
        let daemon = try DaemonProcess(extraArguments: nice.map { ["--render-nice", String($0)] } ?? [])
        defer { daemon.stop() }
        let job = try daemon.client.submit(SubmitRequest(render: smallRender(side: 2048, steps: 50)))
        _ = try daemon.waitFor(job.id) { ($0.progress?.step ?? 0) >= 1 }
        let threads = Self.niceValues(of: daemon.process.processIdentifier)
        let workers = threads.filter { $0.name.hasPrefix("mosaic-worker") }
        #expect(workers.count == 2, "\(threads)")
        #expect(workers.allSatisfy { $0.nice == (nice ?? 10) }, "\(workers)")
        #expect(threads.contains { $0.name == "mosaic-render" && $0.nice == (nice ?? 10) }, "\(threads)")
        // The event loop stays at the daemon's own nice value.
        let eventLoops = threads.filter { $0.name.hasPrefix("NIO-ELT") }
        #expect(!eventLoops.isEmpty && eventLoops.allSatisfy { $0.nice == 0 }, "\(threads)")
        _ = try daemon.client.cancel(job.id)
    }
}
