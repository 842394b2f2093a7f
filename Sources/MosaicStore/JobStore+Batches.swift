import Foundation
import GRDB
import MosaicAPI

extension JobStore {
    /// Queues `requests` as one new batch of `owner`'s: the batch, its jobs and their
    /// `submitted` log lines are one transaction, so a failure (a queue limit, a constraint)
    /// leaves nothing behind. Specs are stored as given: the daemon fills in defaults and seeds.
    ///
    /// With limits, the whole batch counts against them: `batchOverQueueLimit` when it does not
    /// fit beside the jobs already queued (`queueFull` for a batch of one).
    public func submitBatch(
        _ requests: [SubmitRequest], owner: Owner, now: Date, maxQueued: Int? = nil, maxQueuedPerOwner: Int? = nil
    ) throws(StoreError) -> Batch {
        guard !requests.isEmpty else { throw .invalidArgument("a batch needs at least one job") }
        return try write("submitBatch") { db in
            try Self.checkQueueLimits(
                db, owner: owner, maxQueued: maxQueued, maxQueuedPerOwner: maxQueuedPerOwner, adding: requests.count)
            let created = now.millisecondsSince1970
            try db.execute(
                sql: "INSERT INTO batches (owner_uid, owner_name, created_at_ms) VALUES (?, ?, ?)",
                arguments: [owner.uid, owner.name, created])
            let batchID = db.lastInsertedRowID
            let columns =
                ["state", "priority", "owner_uid", "owner_name", "created_at_ms", "batch_id"] + RenderSpec.columns
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO jobs (\(columns.joined(separator: ", ")))
                    VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                    """)
            var ids: [Int64] = []
            ids.reserveCapacity(requests.count)
            for request in requests {
                let values: [(any DatabaseValueConvertible)?] =
                    [JobState.queued.rawValue, request.priority ?? 0, owner.uid, owner.name, created, batchID]
                    + request.render.databaseValues
                try insert.execute(arguments: StatementArguments(values))
                let id = db.lastInsertedRowID
                ids.append(id)
                try Self.insertLog(
                    db, id: id, level: .info, message: "submitted by \(owner.name) in batch \(batchID)",
                    event: .submitted(by: owner.name), now: now)
            }
            var counts = Self.zeroCounts
            counts[JobState.queued.rawValue] = ids.count
            return Batch(
                id: batchID, owner: owner, createdAt: Date(millisecondsSince1970: created), jobIds: ids, counts: counts)
        }
    }

    /// The batch with this id, its remaining jobs and their states, or nil.
    public func batch(id: Int64) throws(StoreError) -> Batch? {
        try read("batch(id: \(id))") { db in try Self.batch(db, id: id) }
    }

    /// Cancels every queued job of batch `id` at once, each with a `canceled` log line, in one
    /// transaction; returns them. Running jobs are left to their worker, as `cancelQueued` does.
    public func cancelQueuedJobs(ofBatch id: Int64, by owner: Owner, now: Date) throws(StoreError) -> [Job] {
        try write("cancelQueuedJobs(ofBatch: \(id))") { db in
            guard try Self.batchExists(db, id: id) else { throw StoreError.batchNotFound(id) }
            let canceled = try Row.fetchAll(
                db,
                sql: """
                    UPDATE jobs SET state = 'canceled', finished_at_ms = ?, canceled_by_uid = ?, canceled_by_name = ?
                    WHERE batch_id = ? AND state = 'queued' RETURNING *
                    """, arguments: [now.millisecondsSince1970, owner.uid, owner.name, id]
            ).map(Job.init(row:)).sorted { $0.id < $1.id }
            for job in canceled {
                try Self.insertLog(
                    db, id: job.id, level: .info, message: "canceled by \(owner.name) while queued",
                    event: .canceled(by: owner.name, step: nil), now: now)
            }
            return canceled
        }
    }

    /// Every state at zero, keyed as the API keys counts.
    static var zeroCounts: [String: Int] {
        Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, 0) })
    }

    static func batchExists(_ db: Database, id: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM batches WHERE id = ?)", arguments: [id]) ?? false
    }

    /// Reads batch `id` and its jobs' ids and states from one snapshot.
    static func batch(_ db: Database, id: Int64) throws -> Batch? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT owner_uid, owner_name, created_at_ms FROM batches WHERE id = ?", arguments: [id])
        else { return nil }
        var ids: [Int64] = []
        var counts = zeroCounts
        let jobs = try Row.fetchCursor(
            db, sql: "SELECT id, state FROM jobs WHERE batch_id = ? ORDER BY id", arguments: [id])
        while let job = try jobs.next() {
            let jobID: Int64 = try job.decode(forColumn: "id")
            let state: String = try job.decode(forColumn: "state")
            guard counts[state] != nil else { throw StoreError.corruptRow(id: jobID, column: "state", value: state) }
            ids.append(jobID)
            counts[state, default: 0] += 1
        }
        return Batch(
            id: id,
            owner: Owner(uid: try row.decode(forColumn: "owner_uid"), name: try row.decode(forColumn: "owner_name")),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at_ms")), jobIds: ids,
            counts: counts)
    }
}
