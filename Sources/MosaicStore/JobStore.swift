import Foundation
import GRDB
import MosaicAPI

/// The render queue in one SQLite file: jobs, their logs and the queue's pause flag.
///
/// One `DatabasePool` (WAL) per process: readers never wait for the worker's frequent
/// progress writes. Every invariant ("claim the next job and mark it running") is one
/// IMMEDIATE write transaction, so several stores or processes on one file stay consistent.
/// Calls block the calling thread for the duration of the SQLite work.
public final class JobStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// Which jobs this store's commits changed, for readers that cache what they read.
    public let changes = JobChangeLog()

    /// Opens (creating if needed) and migrates the queue at `path`.
    ///
    /// - Parameter busyTimeout: how long a write waits for another connection's write
    ///   transaction before failing with `StoreError.database`.
    public init(path: String, busyTimeout: TimeInterval = 5) throws(StoreError) {
        var configuration = Configuration()
        configuration.label = "MosaicStore"
        // GRDB's default, stated because the cascade from jobs to job_logs depends on it.
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            // GRDB sets NORMAL only on the connection that creates the WAL; set it on every
            // writer. In WAL mode NORMAL loses at most the last commits on power loss, never
            // consistency, and spares an fsync per progress update.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        self.path = path
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try StoreSchema.migrate(pool, path: path)
            pool.add(transactionObserver: JobChangeObserver(log: changes), extent: .databaseLifetime)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(operation: "open \(path)", message: "\(error)")
        }
    }

    /// Adds a queued job. The spec is stored as given: the daemon fills in defaults first.
    ///
    /// With limits, the count and the insert are one transaction: `queueFull` when `maxQueued`
    /// jobs are queued in all, or `maxQueuedPerOwner` of `owner`'s.
    public func submit(
        _ spec: RenderSpec, priority: Int, owner: Owner, now: Date, maxQueued: Int? = nil, maxQueuedPerOwner: Int? = nil
    ) throws(StoreError) -> Job {
        try write("submit") { db in
            try Self.checkQueueLimits(db, owner: owner, maxQueued: maxQueued, maxQueuedPerOwner: maxQueuedPerOwner)
            let columns = ["state", "priority", "owner_uid", "owner_name", "created_at_ms"] + RenderSpec.columns
            let values: [(any DatabaseValueConvertible)?] =
                [JobState.queued.rawValue, priority, owner.uid, owner.name, now.millisecondsSince1970]
                + spec.databaseValues
            let sql = """
                INSERT INTO jobs (\(columns.joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                RETURNING *
                """
            return try Self.fetchJob(db, sql: sql, arguments: StatementArguments(values), operation: "submit")
        }
    }

    /// The job with this id, or nil.
    public func job(id: Int64) throws(StoreError) -> Job? {
        try read("job(id: \(id))") { db in
            try Job.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id])
        }
    }

    /// Every job in `state`, oldest first: at start-up the daemon requeues or resumes the
    /// jobs a crash left `running`.
    public func jobs(in state: JobState) throws(StoreError) -> [Job] {
        try read("jobs(in: \(state.rawValue))") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state = ? ORDER BY id", arguments: [state.rawValue])
                .map(Job.init(row:))
        }
    }

    /// How many attempts of the job started from a checkpoint instead of from noise.
    public func resumeCount(id: Int64) throws(StoreError) -> Int {
        try read("resumeCount(id: \(id))") { db in
            guard let count = try Int.fetchOne(db, sql: "SELECT resume_count FROM jobs WHERE id = ?", arguments: [id])
            else { throw StoreError.notFound(id) }
            return count
        }
    }

    // MARK: - Access

    /// Runs `body` in one IMMEDIATE write transaction, mapping failures to `StoreError`.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(operation: operation, message: "\(error)")
        }
    }

    /// Runs `body` on a reader connection (a consistent snapshot), mapping failures to `StoreError`.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(operation: operation, message: "\(error)")
        }
    }

    /// Fetches the single job a statement returns (`RETURNING *`); none is a bug in the SQL.
    static func fetchJob(_ db: Database, sql: String, arguments: StatementArguments, operation: String) throws -> Job {
        guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else {
            throw StoreError.database(operation: operation, message: "the statement returned no row")
        }
        return try Job(row: row)
    }
}
