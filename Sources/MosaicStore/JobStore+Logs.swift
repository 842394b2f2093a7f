import Foundation
import GRDB
import MosaicAPI

extension JobStore {
    /// The levels a log line may have (those of `LogLine.level`).
    public static let logLevels: Set<String> = ["info", "warning", "error"]

    /// Appends a line to a job's log.
    public func appendLog(id: Int64, level: String, message: String, now: Date) throws(StoreError) {
        guard Self.logLevels.contains(level) else {
            throw .invalidArgument("log level must be info, warning or error, not \(level)")
        }
        try write("appendLog(id: \(id))") { db in
            // Checked here so a missing job is notFound, not a foreign-key failure.
            _ = try Self.state(db, id: id)
            try Self.insertLog(db, id: id, level: level, message: message, now: now)
        }
    }

    /// A job's log, oldest line first.
    public func log(id: Int64) throws(StoreError) -> [LogLine] {
        try read("log(id: \(id))") { db in
            _ = try Self.state(db, id: id)
            return try Row.fetchAll(db, sql: "SELECT * FROM job_logs WHERE job_id = ? ORDER BY id", arguments: [id])
                .map { row in
                    LogLine(
                        time: Date(millisecondsSince1970: try row.decode(forColumn: "time_ms")),
                        level: try row.decode(forColumn: "level"), message: try row.decode(forColumn: "message"))
                }
        }
    }

    /// Inserts a log line inside a transaction.
    static func insertLog(_ db: Database, id: Int64, level: String, message: String, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO job_logs (job_id, time_ms, level, message) VALUES (?, ?, ?, ?)",
            arguments: [id, now.millisecondsSince1970, level, message])
    }
}
