import Foundation
import GRDB
import MosaicAPI

extension JobStore {
    /// Starts the next job: unless the queue is paused, the queued job with the highest
    /// priority, then the lowest id, becomes running with `startedAt = now`, one more attempt
    /// and no progress. Nil when the queue is paused or empty.
    ///
    /// One IMMEDIATE transaction, so two workers (stores, processes) never claim the same job.
    public func claimNext(now: Date) throws(StoreError) -> Job? {
        try write("claimNext") { db in
            guard try !Self.isPaused(db) else { return nil }
            guard
                let id = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT id FROM jobs WHERE state = 'queued' ORDER BY priority DESC, id LIMIT 1
                        """)
            else { return nil }
            // resume_count is counted by recordResume, once the worker has found a usable
            // checkpoint file (the row may not know of the newest one yet).
            return try Self.fetchJob(
                db,
                sql: """
                    UPDATE jobs SET state = 'running', started_at_ms = ?, attempts = attempts + 1, \(Self.clearProgress)
                    WHERE id = ? RETURNING *
                    """, arguments: [now.millisecondsSince1970, id], operation: "claimNext")
        }
    }

    /// Records a running job's progress (after every tile and step).
    public func updateProgress(id: Int64, progress: JobProgress) throws(StoreError) {
        try write("updateProgress(id: \(id))") { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET progress_step = ?, progress_steps = ?, tiles_done = ?, tiles_total = ?,
                        elapsed_seconds = ?, eta_seconds = ?, progress_stage = ?, progress_stages = ?,
                        progress_phase = ?
                    WHERE id = ? AND state = 'running'
                    """,
                arguments: [
                    progress.step, progress.steps, progress.tilesDone, progress.tilesTotal,
                    progress.elapsedSeconds, progress.etaSeconds, progress.stage, progress.stages,
                    progress.phase?.rawValue, id,
                ])
            try Self.requireRunning(db, id: id)
        }
    }

    /// Records that the checkpoint of `step` is durable, so a restart resumes from it.
    public func recordCheckpoint(id: Int64, step: Int) throws(StoreError) {
        try write("recordCheckpoint(id: \(id))") { db in
            try db.execute(
                sql: "UPDATE jobs SET checkpoint_step = ? WHERE id = ? AND state = 'running'", arguments: [step, id])
            try Self.requireRunning(db, id: id)
        }
    }

    /// Ends a running job as succeeded, failed or canceled, keeping its last progress; `log` is
    /// written in the same transaction, so a job never ends without the line that says why.
    public func finish(
        id: Int64, state: JobState, error: String? = nil, outputPath: String? = nil, canceledBy: Owner? = nil,
        log: LogLine? = nil, now: Date
    ) throws(StoreError) -> Job {
        try write("finish(id: \(id))") { db in
            guard state.isFinished else {
                throw StoreError.invalidTransition(id: id, from: try Self.state(db, id: id), to: state)
            }
            let finished = try Self.transition(
                db, id: id, from: [.running], to: state,
                set: """
                    finished_at_ms = ?, error = ?, output_path = ?, canceled_by_uid = ?, canceled_by_name = ?
                    """, arguments: [now.millisecondsSince1970, error, outputPath, canceledBy?.uid, canceledBy?.name])
            if let log {
                try Self.insertLog(db, id: id, level: log.level, message: log.message, event: log.event, now: log.time)
            }
            return finished
        }
    }

    /// Cancels a queued job at once. A running job is canceled by its worker, which then calls
    /// `finish`; for it this throws `invalidTransition(from: .running, ...)`.
    public func cancelQueued(id: Int64, by owner: Owner, now: Date) throws(StoreError) -> Job {
        try write("cancelQueued(id: \(id))") { db in
            try Self.transition(
                db, id: id, from: [.queued], to: .canceled,
                set: """
                    finished_at_ms = ?, canceled_by_uid = ?, canceled_by_name = ?
                    """, arguments: [now.millisecondsSince1970, owner.uid, owner.name])
        }
    }

    /// Queues a failed or canceled job again: same id and render, attempts kept; its error,
    /// output, progress, checkpoint, times and canceler cleared. Logged. With limits, it counts
    /// toward its owner's and the whole queue's as a submission does (`queueFull`).
    public func retry(id: Int64, now: Date, maxQueued: Int? = nil, maxQueuedPerOwner: Int? = nil) throws(StoreError)
        -> Job
    {
        try write("retry(id: \(id))") { db in
            let previous = try Self.state(db, id: id)
            if maxQueued != nil || maxQueuedPerOwner != nil, previous == .failed || previous == .canceled,
                let row = try Row.fetchOne(
                    db, sql: "SELECT owner_uid, owner_name FROM jobs WHERE id = ?", arguments: [id])
            {
                let owner = Owner(
                    uid: try row.decode(UInt32.self, forColumn: "owner_uid"),
                    name: try row.decode(String.self, forColumn: "owner_name"))
                try Self.checkQueueLimits(db, owner: owner, maxQueued: maxQueued, maxQueuedPerOwner: maxQueuedPerOwner)
            }
            // A retry starts a fresh series of attempts: the crash-loop count starts over. (Files
            // of a job that failed on I/O stay, and the worker resumes from them if valid.)
            let job = try Self.transition(
                db, id: id, from: [.failed, .canceled], to: .queued,
                set: """
                    started_at_ms = NULL, finished_at_ms = NULL, error = NULL, output_path = NULL,
                    canceled_by_uid = NULL, canceled_by_name = NULL, checkpoint_step = NULL,
                    resume_step = NULL, resume_position = NULL, stalled_resumes = 0, \(Self.clearProgress)
                    """)
            try Self.insertLog(
                db, id: id, level: .info, message: "retried after it \(previous.rawValue)",
                event: .retried(previousState: previous), now: now)
            return job
        }
    }

    /// Puts a running job back in the queue (the daemon stopped mid-render); its checkpoint is
    /// kept so the next attempt resumes. Logged as a warning with `reason` in words and a
    /// `requeued` event of `cause`, after `step` completed steps.
    @discardableResult
    public func requeue(
        id: Int64, cause: JobLogEvent.RequeueCause, step: Int, reason: String, now: Date
    ) throws(StoreError) -> Job {
        try write("requeue(id: \(id))") { db in
            let job = try Self.transition(db, id: id, from: [.running], to: .queued, set: "started_at_ms = NULL")
            try Self.insertLog(
                db, id: id, level: .warning, message: "requeued: \(reason)",
                event: .requeued(step: step, cause: cause), now: now)
            return job
        }
    }

    // MARK: - Helpers

    /// The assignments that empty a job's progress.
    static let clearProgress = """
        progress_step = NULL, progress_steps = NULL, tiles_done = NULL, tiles_total = NULL,
        elapsed_seconds = NULL, eta_seconds = NULL, progress_stage = NULL, progress_stages = NULL,
        progress_phase = NULL
        """

    /// Moves job `id` from one of `from` to `to`, applying `assignments`; throws `notFound` or
    /// `invalidTransition` when the job is missing or in another state.
    static func transition(
        _ db: Database, id: Int64, from: Set<JobState>, to: JobState, set assignments: String,
        arguments: StatementArguments = []
    ) throws -> Job {
        let allowed = from.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        let sql = "UPDATE jobs SET state = ?, \(assignments) WHERE id = ? AND state IN (\(allowed)) RETURNING *"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [to.rawValue] + arguments + [id]) else {
            throw StoreError.invalidTransition(id: id, from: try state(db, id: id), to: to)
        }
        return try Job(row: row)
    }

    /// The job's state; `notFound` when there is no such job.
    static func state(_ db: Database, id: Int64) throws -> JobState {
        guard let text = try String.fetchOne(db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound(id)
        }
        guard let state = JobState(rawValue: text) else {
            throw StoreError.corruptRow(id: id, column: "state", value: text)
        }
        return state
    }

    /// Throws unless the last UPDATE (filtered on `state = 'running'`) changed the job.
    static func requireRunning(_ db: Database, id: Int64) throws {
        guard db.changesCount == 0 else { return }
        throw StoreError.notRunning(id: id, state: try state(db, id: id))
    }
}
