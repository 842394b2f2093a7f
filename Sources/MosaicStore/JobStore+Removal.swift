import Foundation
import GRDB
import MosaicAPI

extension JobStore {
    /// Deletes a finished job and its log, returning the row so the caller can delete its files.
    public func remove(id: Int64) throws(StoreError) -> Job {
        try write("remove(id: \(id))") { db in
            let state = try Self.state(db, id: id)
            guard state.isFinished else { throw StoreError.notFinished(id: id, state: state) }
            // job_logs rows go with it: ON DELETE CASCADE.
            return try Self.fetchJob(
                db, sql: "DELETE FROM jobs WHERE id = ? RETURNING *", arguments: [id], operation: "remove")
        }
    }

    /// Deletes the finished jobs in `states` that finished at or before `olderThan` (any time
    /// when nil), oldest first; returns them so the caller can delete their files.
    ///
    /// `states` may hold only finished states: pruning never touches queued or running jobs.
    public func prune(olderThan: Date? = nil, states: Set<JobState>) throws(StoreError) -> [Job] {
        if let unfinished = states.first(where: { !$0.isFinished }) {
            throw .invalidArgument("prune removes finished jobs only, not \(unfinished.rawValue) ones")
        }
        guard !states.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: states.count).joined(separator: ", ")
        var arguments = StatementArguments(states.sorted().map(\.rawValue))
        var sql = "DELETE FROM jobs WHERE state IN (\(placeholders))"
        if let olderThan {
            sql += " AND finished_at_ms <= ?"
            arguments += [olderThan.millisecondsSince1970]
        }
        let removed = try write("prune") { db in
            try Row.fetchAll(db, sql: sql + " RETURNING *", arguments: arguments).map(Job.init(row:))
        }
        // RETURNING gives rows in no promised order.
        return removed.sorted { $0.id < $1.id }
    }
}
