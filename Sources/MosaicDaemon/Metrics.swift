import Foundation
import Synchronization

/// The daemon's Prometheus metrics: counters, gauges and fixed-bucket histograms.
public final class Metrics: Sendable {
    /// A histogram with cumulative buckets, as Prometheus expects.
    struct Histogram {
        let bounds: [Double]
        var counts: [Int]
        var sum = 0.0
        var count = 0

        init(bounds: [Double]) {
            self.bounds = bounds
            counts = [Int](repeating: 0, count: bounds.count)
        }

        mutating func observe(_ value: Double) {
            for (i, bound) in bounds.enumerated() where value <= bound { counts[i] += 1 }
            sum += value
            count += 1
        }

        func render(_ name: String) -> String {
            var out = ""
            for (bound, n) in zip(bounds, counts) { out += "\(name)_bucket{le=\"\(bound)\"} \(n)\n" }
            out += "\(name)_bucket{le=\"+Inf\"} \(count)\n\(name)_sum \(sum)\n\(name)_count \(count)\n"
            return out
        }
    }

    private struct State {
        var stepsTotal = 0
        var lastStepSeconds = 0.0
        var tileEvaluation = Histogram(bounds: [
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
        ])
        var checkpointWrite = Histogram(bounds: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])
        var connectionsAccepted = 0
        var connectionsOpen = 0
        var cachedAnswers = 0
    }

    private let state = Mutex(State())

    /// Creates empty metrics.
    public init() {}

    /// Records one completed denoising step.
    public func stepCompleted(seconds: Double) {
        state.withLock {
            $0.stepsTotal += 1
            $0.lastStepSeconds = seconds
        }
    }

    /// Records one tile evaluation's duration.
    public func tileEvaluated(seconds: Double) { state.withLock { $0.tileEvaluation.observe(seconds) } }

    /// Records one checkpoint write's duration.
    public func checkpointWritten(seconds: Double) { state.withLock { $0.checkpointWrite.observe(seconds) } }

    /// Records a connection accepted on the API socket (refused ones over the cap included).
    public func connectionOpened() {
        state.withLock {
            $0.connectionsAccepted += 1
            $0.connectionsOpen += 1
        }
    }

    /// Records the close of a connection counted by `connectionOpened`.
    public func connectionClosed() { state.withLock { $0.connectionsOpen -= 1 } }

    /// Records a show or list answered from the response cache.
    public func cachedAnswerGiven() { state.withLock { $0.cachedAnswers += 1 } }

    /// The exposition text (format 0.0.4), with the queue gauges supplied by the caller.
    public func render(jobsByState: [String: Int], uptime: Double, paused: Bool) -> String {
        let s = state.withLock { $0 }
        var out = "# HELP mosaic_jobs Jobs in the queue by state.\n# TYPE mosaic_jobs gauge\n"
        for (name, count) in jobsByState.sorted(by: { $0.key < $1.key }) {
            out += "mosaic_jobs{state=\"\(name)\"} \(count)\n"
        }
        out += "# HELP mosaic_steps_total Denoising steps completed.\n# TYPE mosaic_steps_total counter\n"
        out += "mosaic_steps_total \(s.stepsTotal)\n"
        out += "# HELP mosaic_step_seconds Duration of the last denoising step.\n# TYPE mosaic_step_seconds gauge\n"
        out += "mosaic_step_seconds \(s.lastStepSeconds)\n"
        out +=
            "# HELP mosaic_tile_evaluation_seconds Tile evaluation times.\n# TYPE mosaic_tile_evaluation_seconds histogram\n"
        out += s.tileEvaluation.render("mosaic_tile_evaluation_seconds")
        out +=
            "# HELP mosaic_checkpoint_write_seconds Checkpoint write times.\n# TYPE mosaic_checkpoint_write_seconds histogram\n"
        out += s.checkpointWrite.render("mosaic_checkpoint_write_seconds")
        out += "# HELP mosaic_uptime_seconds Seconds since the daemon started.\n# TYPE mosaic_uptime_seconds gauge\n"
        out += "mosaic_uptime_seconds \(uptime)\n"
        out += "# HELP mosaic_queue_paused 1 while the queue is paused.\n# TYPE mosaic_queue_paused gauge\n"
        out += "mosaic_queue_paused \(paused ? 1 : 0)\n"
        out += "# HELP mosaic_http_connections_accepted_total Connections accepted on the API socket.\n"
        out += "# TYPE mosaic_http_connections_accepted_total counter\n"
        out += "mosaic_http_connections_accepted_total \(s.connectionsAccepted)\n"
        out += "# HELP mosaic_http_connections_open Connections open on the API socket.\n"
        out += "# TYPE mosaic_http_connections_open gauge\n"
        out += "mosaic_http_connections_open \(s.connectionsOpen)\n"
        out += "# HELP mosaic_http_kept_answers_total GETs of a job or a listing answered from the response cache.\n"
        out += "# TYPE mosaic_http_kept_answers_total counter\n"
        out += "mosaic_http_kept_answers_total \(s.cachedAnswers)\n"
        return out
    }
}
