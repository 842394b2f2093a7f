import GRDB

extension JobStore {
    /// Pauses or resumes the queue: while paused `claimNext` starts nothing, and a running
    /// job carries on. The flag survives restarts.
    public func setPaused(_ paused: Bool) throws(StoreError) {
        try write("setPaused") { db in
            try db.execute(
                sql: """
                    INSERT INTO settings (key, value) VALUES ('queue_paused', ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, arguments: [paused ? "1" : "0"])
        }
    }

    /// Whether the queue is paused.
    public func isPaused() throws(StoreError) -> Bool {
        try read("isPaused") { db in try Self.isPaused(db) }
    }

    /// Whether the queue is paused, inside a transaction.
    static func isPaused(_ db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'queue_paused'") == "1"
    }
}
