/// The answer to `POST /v1/batches/{id}/cancel`: what was canceled, and the batch afterwards.
public struct BatchCancelResult: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case canceled, stopping, batch
    }

    /// Queued jobs canceled at once.
    public var canceled: [Int64]
    /// Running jobs asked to stop: they end once their tile evaluations in progress end.
    public var stopping: [Int64]
    /// The batch as it stands after the cancel.
    public var batch: Batch

    /// Creates a result.
    public init(canceled: [Int64], stopping: [Int64], batch: Batch) {
        self.canceled = canceled
        self.stopping = stopping
        self.batch = batch
    }
}
