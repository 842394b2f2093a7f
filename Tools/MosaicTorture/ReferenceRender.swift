import Foundation
import MosaicAPI
import MosaicTestSupport

/// An uninterrupted render of a job's parameters by `mosaicd render`, the one-shot command
/// that shares no code with the queue's worker loop, its checkpoints or its database.
struct ReferenceRender {
    let executable: URL
    let threads: Int

    /// `mosaicd render` arguments reproducing `spec` (as the daemon resolved it) into `output`.
    static func arguments(for spec: RenderSpec, output: String, threads: Int) -> [String] {
        var arguments = ["render", "--prompt", spec.prompt]
        func add(_ name: String, _ value: CustomStringConvertible?) {
            if let value { arguments += ["--\(name)", value.description] }
        }
        if let negative = spec.negativePrompt, !negative.isEmpty { add("negative-prompt", negative) }
        add("model", spec.model)
        add("width", spec.width)
        add("height", spec.height)
        add("steps", spec.steps)
        add("sampler", spec.sampler)
        // Float's description is the shortest text that reads back to the same value.
        add("guidance", spec.guidance)
        add("seed", spec.seed)
        add("tiling", spec.tiling)
        add("tile-size", spec.tileSize)
        add("tile-overlap", spec.tileOverlap)
        add("tile-weighting", spec.tileWeighting)
        add("stages", spec.stages)
        add("strengths", spec.strengths.map { $0.map { "\($0)" }.joined(separator: ",") })
        if spec.stages != StageRequest.none { add("upscaler", spec.upscaler) }
        if spec.lossless == true { arguments.append("--lossless") } else { add("quality", spec.quality) }
        return arguments + ["--threads", String(threads), "--output", output]
    }

    /// Renders `job`'s parameters to `output`; its output and errors go to `logPath`.
    func render(_ job: Job, to output: String, logPath: String) throws(TortureError) {
        let process = Process()
        process.executableURL = executable
        process.arguments = Self.arguments(for: job.render, output: output, threads: threads)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw .cannotStart(reason: "mosaicd render: \(error)") }
        DaemonReaper.pid.store(process.processIdentifier, ordering: .relaxed)
        process.waitUntilExit()
        DaemonReaper.pid.store(0, ordering: .relaxed)
        try? log?.close()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let text = FileManager.default.contents(atPath: logPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw .reference(jobId: job.id, status: process.terminationStatus, output: String(text.suffix(2000)))
        }
    }
}
