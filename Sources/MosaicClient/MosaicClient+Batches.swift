import MosaicAPI

extension MosaicClient {
    /// Queues several renders as one batch, all or none (`POST /v1/batches`).
    public func submitBatch(_ request: BatchRequest) throws(ClientError) -> Batch {
        try call("POST", "/v1/batches", json: request)
    }

    /// A batch: its jobs' ids and how many are in each state (`GET /v1/batches/{id}`).
    public func batch(_ id: Int64) throws(ClientError) -> Batch {
        try call("GET", "/v1/batches/\(id)")
    }

    /// Cancels every queued or running job of a batch (`POST /v1/batches/{id}/cancel`).
    public func cancelBatch(_ id: Int64) throws(ClientError) -> BatchCancelResult {
        try call("POST", "/v1/batches/\(id)/cancel")
    }
}
