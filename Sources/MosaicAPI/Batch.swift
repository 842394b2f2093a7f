import Foundation

/// `GET /v1/batches/{id}`: the jobs of one submission and where they stand.
public struct Batch: Codable, Sendable, Equatable, Identifiable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case id, owner
        case createdAt = "created_at"
        case jobIds = "job_ids"
        case counts
    }

    /// The batch id (positive, increasing; its own sequence, not a job id).
    public var id: Int64
    /// Who submitted it; every job of the batch is theirs.
    public var owner: Owner
    /// When it was submitted.
    public var createdAt: Date
    /// Its jobs still in the queue's history, in submission order (removed jobs are left out).
    public var jobIds: [Int64]
    /// Its jobs per state (every state present, zero included).
    public var counts: [String: Int]

    /// Creates a batch record.
    public init(id: Int64, owner: Owner, createdAt: Date, jobIds: [Int64], counts: [String: Int]) {
        self.id = id
        self.owner = owner
        self.createdAt = createdAt
        self.jobIds = jobIds
        self.counts = counts
    }

    /// Whether every job of the batch has ended.
    public var isFinished: Bool {
        (counts[JobState.queued.rawValue] ?? 0) == 0 && (counts[JobState.running.rawValue] ?? 0) == 0
    }
}
