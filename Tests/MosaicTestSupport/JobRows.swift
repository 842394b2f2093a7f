import Foundation
import GRDB

/// Large queues for tests and benchmarks, written straight into a store's SQLite file: the
/// store's own API makes jobs one at a time, through their states, as users do.
public enum JobRows {
    /// Inserts `count` jobs in one transaction over a connection of its own to the database at
    /// `path` (whose schema a `JobStore` has created), one INSERT ... SELECT over a counter so the
    /// rows are made inside SQLite; `state` is an SQL expression of the row number `i` (0-based).
    /// Job `i` belongs to uid 1000 + i % 20, has priority i % 5 - 2 and was created i seconds
    /// after the first.
    public static func insert(databasePath path: String, count: Int, state: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE counter(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM counter WHERE i + 1 < ?),
                    rows AS (SELECT i, \(state) AS state, 1750000000000 + i * 1000 AS created FROM counter)
                    INSERT INTO jobs (state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, finished_at_ms)
                    SELECT state, i % 5 - 2, 1000 + i % 20, 'user' || (1000 + i % 20), 'benchmark prompt ' || i,
                           'builtin', 4096, 4096, 30, 'dpmpp_2m', i, 'shifted', state <> 'queued', created,
                           CASE WHEN state = 'queued' THEN NULL ELSE created + 500 END,
                           CASE WHEN state IN ('succeeded', 'failed', 'canceled') THEN created + 900 END
                    FROM rows
                    """, arguments: [count])
        }
    }
}
