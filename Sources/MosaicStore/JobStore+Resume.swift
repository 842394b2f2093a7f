import Foundation
import GRDB
import MosaicAPI

extension JobStore {
    /// Records that running job `id` continued from the checkpoint of `info.fromStep` (a resume
    /// from a checkpoint file when it is above 0, a restart from noise at 0) and
    /// returns how many consecutive resumes started at that same position (1 when it got further
    /// since the last one): the daemon fails a job that keeps crashing at one place.
    ///
    /// `position` says how far the job got, growing with every stage, step and journaled decode
    /// tile; it defaults to the step.
    @discardableResult
    public func recordResume(id: Int64, info: ResumeInfo, position: Int64? = nil) throws(StoreError) -> Int {
        let position = position ?? Int64(info.fromStep)
        return try write("recordResume(id: \(id))") { db in
            try Self.requireRunning(db, id: id)
            try db.execute(
                sql: """
                    UPDATE jobs SET
                        resume_count = resume_count + (? > 0),
                        stalled_resumes = CASE WHEN COALESCE(resume_position, resume_step) = ? THEN stalled_resumes + 1
                            ELSE 1 END,
                        resume_step = ?, resume_position = ?, last_resume_reused_tiles = ?,
                        last_resume_lost_steps = ?, last_resume_note = ?
                    WHERE id = ?
                    """,
                arguments: [
                    info.fromStep, position, info.fromStep, position, info.reusedTiles, info.lostSteps, info.note,
                    id,
                ])
            return try Int.fetchOne(db, sql: "SELECT stalled_resumes FROM jobs WHERE id = ?", arguments: [id]) ?? 1
        }
    }
}
