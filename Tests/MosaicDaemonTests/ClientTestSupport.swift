import Foundation
import MosaicAPI

/// Raw HTTP answers and wire values for the client and ctl tests.
enum Wire {
    /// A complete answer with a Content-Length body.
    static func response(_ status: Int, _ body: [UInt8], contentType: String = "application/json",
                         extraHeaders: String = "") -> [UInt8] {
        Array("HTTP/1.1 \(status) \(reason(status))\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\(extraHeaders)\r\n".utf8)
            + body
    }

    /// A complete answer with a chunked body, one chunk per element of `chunks`.
    static func chunked(_ status: Int, _ chunks: [[UInt8]], contentType: String = "application/json") -> [UInt8] {
        var bytes = Array("HTTP/1.1 \(status) \(reason(status))\r\nContent-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for chunk in chunks where !chunk.isEmpty {
            bytes += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
        }
        return bytes + Array("0\r\n\r\n".utf8)
    }

    /// `value` in the API's JSON.
    static func json(_ value: some Encodable) -> [UInt8] {
        (try? Array(APICoding.encoder().encode(value))) ?? []
    }

    /// An error answer in the API's format.
    static func error(_ code: APIError.Code, _ message: String) -> [UInt8] {
        response(code.httpStatus, json(ErrorResponse(APIError(code, message))))
    }

    /// `bytes` cut into pieces of the given sizes, cycling through them.
    static func split(_ bytes: [UInt8], sizes: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0, index = 0
        while start < bytes.count {
            let end = min(bytes.count, start + sizes[index % sizes.count])
            pieces.append(Array(bytes[start..<end]))
            start = end
            index += 1
        }
        return pieces
    }

    /// `bytes` cut into consecutive slices of the given sizes; the rest is the last slice.
    static func cut(_ bytes: [UInt8], at sizes: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = [], start = 0
        for size in sizes where start < bytes.count {
            pieces.append(Array(bytes[start..<min(bytes.count, start + size)]))
            start += size
        }
        if start < bytes.count { pieces.append(Array(bytes[start...])) }
        return pieces
    }

    private static func reason(_ status: Int) -> String {
        [200: "OK", 201: "Created", 403: "Forbidden", 404: "Not Found", 422: "Unprocessable Content",
         502: "Bad Gateway"][status] ?? "Status"
    }
}

/// Jobs and statuses to answer with. Whole-second dates survive the millisecond JSON exactly.
enum Sample {
    static let created = Date(timeIntervalSince1970: 1_800_000_000)

    static func job(_ id: Int64, _ state: JobState = .queued, prompt: String = "misty ocean at dusk") -> Job {
        Job(id: id, state: state,
            render: RenderSpec(prompt: prompt, model: "mosaic-field", width: 2048, height: 1024, steps: 30,
                               sampler: "dpmpp_2m", guidance: 2, seed: 7, tiling: "overlap", tileSize: 64,
                               tileOverlap: 16, tileWeighting: "gaussian", lossless: false, quality: 90),
            priority: 0, owner: Owner(uid: 1000, name: "alice"), attempts: state == .queued ? 0 : 1,
            createdAt: created, startedAt: state == .queued ? nil : created.addingTimeInterval(5),
            finishedAt: state.isFinished ? created.addingTimeInterval(65) : nil,
            progress: state == .queued ? nil : JobProgress(step: state == .succeeded ? 30 : 12, steps: 30, tilesDone: 3,
                                                          tilesTotal: 8, elapsedSeconds: 60, etaSeconds: 90),
            checkpointStep: state == .queued ? nil : 11, error: state == .failed ? "out of memory" : nil,
            outputPath: state == .succeeded ? "/var/lib/mosaic/outputs/\(id).webp" : nil)
    }

    static let status = DaemonStatus(
        version: "0.1.0", uptimeSeconds: 3725, paused: false,
        counts: ["queued": 2, "running": 1, "succeeded": 5, "failed": 1, "canceled": 0],
        running: job(7, .running), threads: 8)

    /// A job's event stream: the state, three progress events, a log line, the end.
    static func events(_ id: Int64, ending: JobState = .succeeded) -> [JobEvent] {
        [
            JobEvent(type: .state, jobId: id, time: created, state: .running, job: job(id, .running)),
            JobEvent(type: .progress, jobId: id, time: created,
                     progress: JobProgress(step: 0, steps: 2, tilesDone: 4, tilesTotal: 8, elapsedSeconds: 0.5)),
            JobEvent(type: .log, jobId: id, time: created, message: "resumed from step 1 — ünïcode"),
            JobEvent(type: .progress, jobId: id, time: created,
                     progress: JobProgress(step: 1, steps: 2, tilesDone: 8, tilesTotal: 8, elapsedSeconds: 1,
                                           etaSeconds: 1)),
            JobEvent(type: .progress, jobId: id, time: created,
                     progress: JobProgress(step: 2, steps: 2, elapsedSeconds: 2, etaSeconds: 0)),
            JobEvent(type: .end, jobId: id, time: created, state: ending, job: job(id, ending)),
        ]
    }

    /// The events as NDJSON bytes.
    static func ndjson(_ events: [JobEvent]) -> [UInt8] {
        events.flatMap { Wire.json($0) + [UInt8(ascii: "\n")] }
    }
}
