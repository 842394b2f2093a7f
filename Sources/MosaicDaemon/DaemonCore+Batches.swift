import Foundation
import MosaicAPI
import MosaicStore

/// Batches: several renders queued in one transaction, then read and canceled together.
extension DaemonCore {
    /// The most jobs one batch may hold: every item's count added up.
    static let maxBatchJobs = 10_000

    /// `POST /v1/batches`: every item checked as `POST /v1/jobs` checks a job (errors name the
    /// item: `items[3]: invalid steps: ...`, and carry its index), then all jobs queued at once.
    func submitBatch(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        try StrictFields.checkUTF8(request.body)
        try StrictFields.checkBatch(request.body)
        let batch = try decode(BatchRequest.self, from: request)
        guard !batch.items.isEmpty else {
            throw APIError(.badRequest, "invalid items: a batch needs at least one item")
        }
        var requests: [SubmitRequest] = []
        for (index, item) in batch.items.enumerated() {
            let count = item.count ?? 1
            guard (1...Self.maxBatchJobs).contains(count) else {
                throw APIError(
                    .badRequest, "items[\(index)]: invalid count: \(count) is outside 1...\(Self.maxBatchJobs)",
                    item: index)
            }
            guard requests.count + count <= Self.maxBatchJobs else {
                throw APIError(
                    .badRequest,
                    "items[\(index)]: invalid count: the batch would hold \(requests.count + count) jobs, more than \(Self.maxBatchJobs)",
                    item: index)
            }
            let spec = try about(item: index) { () throws(APIError) in try checked(item) }
            for copy in 0..<count {
                var render = spec
                // The item's seed, or none: then every copy draws its own (the first already has).
                if let seed = item.render.seed {
                    render.seed = seed &+ UInt64(copy)
                } else if copy > 0 {
                    render.seed = UInt64.random(in: 0...UInt64.max)
                }
                requests.append(SubmitRequest(render: render, priority: item.priority ?? 0))
            }
        }
        let owner = Owner(uid: request.peer.uid, name: Accounts.userName(of: request.peer.uid))
        let limits = configuration
        let created = try db { () throws(StoreError) in
            try store.submitBatch(
                requests, owner: owner, now: Date(), maxQueued: limits.maxQueuedJobs,
                maxQueuedPerOwner: limits.maxQueuedJobsPerUser)
        }
        worker.wake()
        return .json(created, status: .created)
    }

    /// `GET /v1/batches/{id}`: readable by whoever may read its jobs.
    func showBatch(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let batch = try namedBatch(captures)
        try authorization.checkRead(batch, by: request.peer)
        return .json(batch)
    }

    /// `POST /v1/batches/{id}/cancel`: the queued jobs are canceled in one transaction, then the
    /// running ones (the worker runs one at a time) are stopped as `POST /v1/jobs/{id}/cancel`
    /// stops them, waiting up to `cancelWait`.
    func cancelBatch(_ request: HTTPRequest, _ captures: [String: String]) async throws(APIError) -> HTTPResponse {
        let batch = try namedBatch(captures)
        try authorization.checkModify(batch, by: request.peer, action: "cancel")
        let owner = Owner(uid: request.peer.uid, name: Accounts.userName(of: request.peer.uid))
        var canceled = try db { () throws(StoreError) in
            try store.cancelQueuedJobs(ofBatch: batch.id, by: owner, now: Date())
        }.map { job in
            hub.publish(JobEvent(type: .end, jobId: job.id, state: job.state, job: job))
            return job.id
        }
        // After the queued ones: a job claimed meanwhile is running now, and found here.
        let running = try db { () throws(StoreError) in
            try store.list(states: [.running], batchID: batch.id, limit: Self.maxBatchJobs).jobs
        }
        var stopping: [Int64] = []
        for job in running {
            let events = hub.subscribe(jobId: job.id)
            guard worker.cancel(jobId: job.id, by: owner) else { continue }  // it ended meanwhile
            if let events, let stopped = await stopped(job.id, events: events), stopped.state == .canceled {
                canceled.append(job.id)
            } else {
                stopping.append(job.id)
            }
        }
        let after = try namedBatch(captures)
        return .json(BatchCancelResult(canceled: canceled.sorted(), stopping: stopping, batch: after))
    }

    /// The batch named by the `id` capture, or 404.
    func namedBatch(_ captures: [String: String]) throws(APIError) -> Batch {
        guard let text = captures["id"], let id = Int64(text), id > 0 else {
            throw APIError(.notFound, "no batch '\(captures["id"] ?? "")' (batch ids are positive integers)")
        }
        guard let batch = try db({ () throws(StoreError) in try store.batch(id: id) }) else {
            throw APIError(.notFound, "no batch \(id)")
        }
        return batch
    }

    /// The item's render with every default filled in, after the checks of `POST /v1/jobs`.
    private func checked(_ item: BatchItem) throws(APIError) -> RenderSpec {
        let priority = item.priority ?? 0
        guard Self.priorityRange.contains(priority) else {
            throw APIError(
                .badRequest,
                "invalid priority: \(priority) is outside \(Self.priorityRange.lowerBound)...\(Self.priorityRange.upperBound)"
            )
        }
        let spec = try item.render.resolved(catalog: catalog) { UInt64.random(in: 0...UInt64.max) }
        try admission.check(try spec.parameters(), lossless: spec.lossless == true, atClaim: false)
        return spec
    }

    /// Runs `body`, naming item `index` in the error it throws.
    private func about<T>(item index: Int, _ body: () throws(APIError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            var named = error
            named.message = "items[\(index)]: \(error.message)"
            named.item = index
            throw named
        }
    }
}
