import Foundation
import GRDB
import MosaicAPI

extension JobStore {
    /// Inserts `count` succeeded jobs owned by `owner` in one transaction: a long-lived
    /// daemon's history, for benchmarks and load tests of listing (never used by the daemon).
    public func insertHistory(count: Int, owner: Owner, now: Date = Date()) throws(StoreError) {
        do {
            try pool.write { db in
                let statement = try db.makeStatement(sql: """
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
        } catch {
            throw .database(operation: "insert history", message: "\(error)")
        }
    }
}
