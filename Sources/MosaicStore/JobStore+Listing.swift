import Foundation
import GRDB
import MosaicAPI

extension JobStore {
    /// One page of jobs, newest first, optionally only in `states`, of one owner and of one batch.
    ///
    /// Keyset pagination: pass the page's `nextBefore` as `before` for the next page (jobs with
    /// a smaller id); it is nil on the last page. Pages stay correct while jobs come and go.
    public func list(
        states: Set<JobState>? = nil, ownerUID: UInt32? = nil, batchID: Int64? = nil, limit: Int = 50,
        before: Int64? = nil
    ) throws(StoreError) -> JobPage {
        guard limit > 0 else { throw .invalidArgument("page size must be positive, not \(limit)") }
        if let states, states.isEmpty { return JobPage(jobs: [], nextBefore: nil) }
        let (sql, arguments) = Self.listQuery(
            states: states, ownerUID: ownerUID, batchID: batchID, limit: limit, before: before)
        let jobs = try read("list") { db in
            try Job.fetchAll(db, sql: sql, arguments: arguments)
        }
        // One row more than the page tells whether another page follows.
        guard jobs.count > limit else { return JobPage(jobs: jobs, nextBefore: nil) }
        let page = Array(jobs.prefix(limit))
        return JobPage(jobs: page, nextBefore: page.last?.id)
    }

    /// A page as `list` gives it, less the rows its caller already has: the page's ids, and the
    /// rows of those for which `needsRow` is true, read from one snapshot.
    ///
    /// A daemon that keeps each job's answer until the job changes rebuilds a listing after a
    /// change from the ids and the changed rows alone, instead of reading and decoding all fifty.
    public func listPage(
        states: Set<JobState>? = nil, ownerUID: UInt32? = nil, batchID: Int64? = nil, limit: Int = 50,
        before: Int64? = nil, needsRow: (Int64) -> Bool
    ) throws(StoreError) -> PartialJobPage {
        guard limit > 0 else { throw .invalidArgument("page size must be positive, not \(limit)") }
        if let states, states.isEmpty { return PartialJobPage(ids: [], nextBefore: nil, rows: [:]) }
        let (sql, arguments) = Self.pageIDQuery(
            states: states, ownerUID: ownerUID, batchID: batchID, limit: limit, before: before)
        return try read("listPage") { db in
            var ids = try Int64.fetchAll(db, sql: sql, arguments: arguments)
            // One id more than the page tells whether another page follows.
            let more = ids.count > limit
            if more { ids.removeLast(ids.count - limit) }
            let wanted = ids.filter(needsRow)
            var rows: [Int64: Job] = [:]
            if !wanted.isEmpty {
                let marks = Array(repeating: "?", count: wanted.count).joined(separator: ", ")
                for job in try Job.fetchAll(
                    db, sql: "SELECT * FROM jobs WHERE id IN (\(marks))", arguments: StatementArguments(wanted))
                {
                    rows[job.id] = job
                }
            }
            return PartialJobPage(ids: ids, nextBefore: more ? ids.last : nil, rows: rows)
        }
    }

    /// How many jobs are in each state; every state is present, zeros included.
    public func counts() throws(StoreError) -> [JobState: Int] {
        let rows = try read("counts") { db in
            try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS count FROM jobs GROUP BY state")
                .map { row in
                    (try row.decode(String.self, forColumn: "state"), try row.decode(Int.self, forColumn: "count"))
                }
        }
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        for (text, count) in rows {
            guard let state = JobState(rawValue: text) else {
                throw .corruptRow(id: nil, column: "state", value: text)
            }
            counts[state] = count
        }
        return counts
    }

    /// The SQL of a page of `limit + 1` rows: only the page's rows are read.
    static func listQuery(
        states: Set<JobState>?, ownerUID: UInt32?, batchID: Int64? = nil, limit: Int, before: Int64?
    ) -> (String, StatementArguments) {
        let (ids, arguments) = pageIDQuery(
            states: states, ownerUID: ownerUID, batchID: batchID, limit: limit, before: before)
        return ("SELECT * FROM jobs WHERE id IN (\(ids)) ORDER BY id DESC", arguments)
    }

    /// The SQL of the ids of a page of `limit + 1` rows, newest first.
    ///
    /// With a filter, each state is its own range of `jobs_owner_state_id` or `jobs_state_id`,
    /// read newest first, and the ranges are merged: one `state IN (...)` or an owner alone would
    /// make SQLite sort every matching row (35,000 queued jobs) to return fifty. The ranges
    /// yield ids only, straight from the covering index. A batch (at most 10,000 rows in mosaicd,
    /// read through `jobs_batch_id`) is filtered in one range.
    static func pageIDQuery(
        states: Set<JobState>?, ownerUID: UInt32?, batchID: Int64? = nil, limit: Int, before: Int64?
    ) -> (String, StatementArguments) {
        var conditions: [String] = []
        var common: StatementArguments = []
        if let batchID {
            conditions.append("batch_id = ?")
            common += [batchID]
            if let states {
                conditions.append("state IN (\(states.sorted().map { "'\($0.rawValue)'" }.joined(separator: ", ")))")
            }
            if let ownerUID {
                conditions.append("owner_uid = ?")
                common += [ownerUID]
            }
            if let before {
                conditions.append("id < ?")
                common += [before]
            }
            return (
                "SELECT id FROM jobs WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?",
                common + [limit + 1]
            )
        }
        if let ownerUID {
            conditions.append("owner_uid = ?")
            common += [ownerUID]
        }
        if let before {
            conditions.append("id < ?")
            common += [before]
        }
        if states == nil && ownerUID == nil {
            let filter = conditions.isEmpty ? "" : "WHERE \(conditions.joined(separator: " AND ")) "
            return ("SELECT id FROM jobs \(filter)ORDER BY id DESC LIMIT ?", common + [limit + 1])
        }
        var branches: [String] = []
        var arguments: StatementArguments = []
        for state in (states ?? Set(JobState.allCases)).sorted() {
            let filter = (["state = ?"] + conditions).joined(separator: " AND ")
            branches.append("SELECT id FROM (SELECT id FROM jobs WHERE \(filter) ORDER BY id DESC LIMIT ?)")
            arguments += [state.rawValue]
            arguments += common
            arguments += [limit + 1]
        }
        return (branches.joined(separator: " UNION ALL ") + " ORDER BY id DESC LIMIT ?", arguments + [limit + 1])
    }
}
