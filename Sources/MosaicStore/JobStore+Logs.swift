import Foundation
import GRDB
import MosaicAPI

extension JobStore {
    /// Appends a line to a job's log, with the event it records when there is one.
    public func appendLog(
        id: Int64, level: JobLogLevel, message: String, event: JobLogEvent? = nil, now: Date
    ) throws(StoreError) {
        try write("appendLog(id: \(id))") { db in
            // Checked here so a missing job is notFound, not a foreign-key failure.
            _ = try Self.state(db, id: id)
            try Self.insertLog(db, id: id, level: level, message: message, event: event, now: now)
        }
    }

    /// A job's log, oldest line first.
    public func log(id: Int64) throws(StoreError) -> [LogLine] {
        try read("log(id: \(id))") { db in
            _ = try Self.state(db, id: id)
            let decoder = APICoding.decoder()
            return try Row.fetchAll(db, sql: "SELECT * FROM job_logs WHERE job_id = ? ORDER BY id", arguments: [id])
                .map { row in
                    let levelText: String = try row.decode(forColumn: "level")
                    guard let level = JobLogLevel(rawValue: levelText) else {
                        throw StoreError.corruptRow(id: id, column: "job_logs.level", value: levelText)
                    }
                    var event: JobLogEvent?
                    if let json: String = try row.decode(forColumn: "event") {
                        do { event = try decoder.decode(JobLogEvent.self, from: Data(json.utf8)) } catch {
                            throw StoreError.corruptRow(id: id, column: "job_logs.event", value: json)
                        }
                    }
                    return LogLine(
                        time: Date(millisecondsSince1970: try row.decode(forColumn: "time_ms")),
                        level: level, message: try row.decode(forColumn: "message"), event: event)
                }
        }
    }

    /// Inserts a log line inside a transaction; the event is stored as its API JSON.
    static func insertLog(
        _ db: Database, id: Int64, level: JobLogLevel, message: String, event: JobLogEvent? = nil, now: Date
    ) throws {
        let json = try event.map { String(decoding: try APICoding.encoder().encode($0), as: UTF8.self) }
        try db.execute(
            sql: "INSERT INTO job_logs (job_id, time_ms, level, message, event) VALUES (?, ?, ?, ?, ?)",
            arguments: [id, now.millisecondsSince1970, level.rawValue, message, json])
    }
}
