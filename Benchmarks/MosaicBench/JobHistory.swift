import Foundation
import GRDB
import MosaicAPI

/// A long-lived daemon's history for the queue benchmark, written straight into the store's
/// SQLite file: the store's own API has no way to make finished jobs, nor should it.
enum JobHistory {
    /// Inserts `count` succeeded jobs owned by `owner` in one transaction into the database at
    /// `path`, whose schema a `JobStore` has already created.
    static func insert(count: Int, owner: Owner, databasePath path: String, now: Date = Date()) throws {
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO jobs (state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, finished_at_ms)
                    VALUES ('succeeded', 0, ?, ?, ?, 'mosaic-field', 1024, 1024, 30, 'dpmpp_2m', ?, 'overlap', 1, ?, ?, ?)
                    """)
            let end = Int64(now.timeIntervalSince1970 * 1000)
            for index in 0..<count {
                let created = end - Int64(count - index) * 1000
                try statement.execute(arguments: [
                    owner.uid, owner.name, "history \(index)", index, created, created + 100, created + 900,
                ])
            }
        }
    }
}
