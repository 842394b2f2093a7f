import Foundation
import MosaicAPI

/// Jobs and statuses to answer with. Whole-second dates survive the millisecond JSON exactly.
public enum Sample {
    /// When every sample job was created.
    public static let created = Date(timeIntervalSince1970: 1_800_000_000)

    /// A job in `state`, with the fields that state has filled in.
    public static func job(_ id: Int64, _ state: JobState = .queued, prompt: String = "misty ocean at dusk") -> Job {
        Job(
            id: id, state: state,
            render: RenderSpec(
                prompt: prompt, model: "mosaic-field", width: 2048, height: 1024, steps: 30,
                sampler: "dpmpp_2m", guidance: 2, seed: 7, tiling: "overlap", tileSize: 64,
                tileOverlap: 16, tileWeighting: "gaussian", lossless: false, quality: 90),
            priority: 0, owner: Owner(uid: 1000, name: "alice"), attempts: state == .queued ? 0 : 1,
            createdAt: created, startedAt: state == .queued ? nil : created.addingTimeInterval(5),
            finishedAt: state.isFinished ? created.addingTimeInterval(65) : nil,
            progress: state == .queued
                ? nil
                : JobProgress(
                    step: state == .succeeded ? 30 : 12, steps: 30, tilesDone: 3,
                    tilesTotal: 8, elapsedSeconds: 60, etaSeconds: 90),
            checkpointStep: state == .queued ? nil : 11, error: state == .failed ? "out of memory" : nil,
            outputPath: state == .succeeded ? "/var/lib/mosaic/outputs/\(id).webp" : nil)
    }

    /// A job as the daemon answers it, with fractional-second timestamps and escapes in its
    /// prompt: the case that JSON layouts and timestamp encoding must get right.
    public static func answeredJob(_ id: Int64, state: JobState = .succeeded, step: Int = 30) -> Job {
        let created = Date(timeIntervalSince1970: 1_790_000_000.123 + Double(id))
        return Job(
            id: id, state: state,
            render: RenderSpec(prompt: "calm \"sea\" / \(id)", width: 64, height: 64, steps: 30, seed: 7),
            priority: Int(id % 3) - 1, owner: Owner(uid: 1000, name: "ada"), attempts: 1, createdAt: created,
            startedAt: created.addingTimeInterval(0.5),
            finishedAt: state.isFinished ? created.addingTimeInterval(9.25) : nil,
            progress: JobProgress(
                step: step, steps: 30, tilesDone: 4, tilesTotal: 4, elapsedSeconds: 8.75, etaSeconds: 0),
            checkpointStep: step, outputPath: state == .succeeded ? "/var/lib/mosaic/outputs/\(id).webp" : nil)
    }

    /// `value` as the API encodes it, with a newline: one answer body or NDJSON line.
    public static func encoded<T: Encodable>(_ value: T) throws -> [UInt8] {
        [UInt8](try APICoding.encoder().encode(value)) + [0x0A]
    }

    /// A running daemon's status.
    public static let status = DaemonStatus(
        version: "0.1.0", uptimeSeconds: 3725, paused: false,
        counts: ["queued": 2, "running": 1, "succeeded": 5, "failed": 1, "canceled": 0],
        running: job(7, .running), threads: 8)

    /// A job's event stream: the state, three progress events, a log line, the end.
    public static func events(_ id: Int64, ending: JobState = .succeeded) -> [JobEvent] {
        [
            JobEvent(type: .state, jobId: id, time: created, state: .running, job: job(id, .running)),
            JobEvent(
                type: .progress, jobId: id, time: created,
                progress: JobProgress(step: 0, steps: 2, tilesDone: 4, tilesTotal: 8, elapsedSeconds: 0.5)),
            JobEvent(type: .log, jobId: id, time: created, message: "resumed from step 1 — ünïcode"),
            JobEvent(
                type: .progress, jobId: id, time: created,
                progress: JobProgress(
                    step: 1, steps: 2, tilesDone: 8, tilesTotal: 8, elapsedSeconds: 1,
                    etaSeconds: 1)),
            JobEvent(
                type: .progress, jobId: id, time: created,
                progress: JobProgress(step: 2, steps: 2, elapsedSeconds: 2, etaSeconds: 0)),
            JobEvent(type: .end, jobId: id, time: created, state: ending, job: job(id, ending)),
        ]
    }

    /// The events as NDJSON bytes.
    public static func ndjson(_ events: [JobEvent]) -> [UInt8] {
        events.flatMap { Wire.json($0) + [UInt8(ascii: "\n")] }
    }
}
