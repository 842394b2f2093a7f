/// How one submitted job came through the torture.
struct JobReport: Codable, Equatable, Sendable {
    var id: Int64
    /// "1024x768 euler_a overlap 24 steps", for the report.
    var summary: String
    /// The render's seed.
    var seed: UInt64
    /// The final state; nil when the job was lost.
    var state: String?
    /// Attempts the worker started, from the job record.
    var attempts: Int
    /// Resumes from a checkpoint: the daemon's `resume_count` when its API reports one, else
    /// what the log says.
    var resumes: Int
    /// Attempts that started over from step 0 after an interruption.
    var restartsFromZero: Int
    /// What the job's log says.
    var log: JobLogAnalysis
    /// Whether the output decodes to the reference's pixels, and whether the files are equal.
    var pixelsIdentical = false
    var bytesIdentical = false
    /// Why the comparison failed, if it did.
    var comparison: String?
}
