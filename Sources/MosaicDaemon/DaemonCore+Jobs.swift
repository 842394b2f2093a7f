import Foundation
import MosaicAPI
import MosaicStore

extension DaemonCore {
    /// The priority range a submission may ask for.
    static let priorityRange = -100...100
    /// How long `POST /v1/jobs/{id}/cancel` waits for a running job to stop before answering 202.
    static let cancelWait = Duration.seconds(5)

    func submit(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        try StrictFields.checkUTF8(request.body)
        try StrictFields.check(request.body, allowed: StrictFields.submit, nested: ["render": StrictFields.render])
        let submission = try decode(SubmitRequest.self, from: request, numbers: NumericFieldProbe.submit)
        let priority = submission.priority ?? 0
        guard Self.priorityRange.contains(priority) else {
            throw APIError(
                .badRequest,
                "invalid priority: \(priority) is outside \(Self.priorityRange.lowerBound)...\(Self.priorityRange.upperBound)"
            )
        }
        // The init image must be the submitter's (or they an admin); the job keeps it until removed.
        let initImage = try submission.render.initImage.map { id throws(APIError) -> ImageRecord in
            do throws(APIError) {
                return try usableImage(id: id, by: request.peer, action: "use")
            } catch {
                throw APIError(error.code, "invalid init_image: \(error.message)")
            }
        }
        let spec = try submission.render.resolved(catalog: catalog, initImageDigest: initImage?.digest) {
            UInt64.random(in: 0...UInt64.max)
        }
        try admission.check(
            try spec.parameters(initImageDigest: initImage?.digest), lossless: spec.lossless == true, atClaim: false)
        let owner = Owner(uid: request.peer.uid, name: Accounts.userName(of: request.peer.uid))
        let limits = configuration
        let job = try db { () throws(StoreError) in
            try store.submit(
                spec, priority: priority, owner: owner, now: Date(), maxQueued: limits.maxQueuedJobs,
                maxQueuedPerOwner: limits.maxQueuedJobsPerUser)
        }
        try? store.appendLog(
            id: job.id, level: .info, message: "submitted by \(owner.name)",
            event: .submitted(by: owner.name), now: Date())
        worker.wake()
        return .json(job, status: .created)
    }

    func log(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let job = try readableJob(request, captures)
        return .json(try db { () throws(StoreError) in try store.log(id: job.id) })
    }

    func cancel(_ request: HTTPRequest, _ captures: [String: String]) async throws(APIError) -> HTTPResponse {
        let job = try job(captures)
        try authorization.checkModify(job, by: request.peer, action: "cancel")
        let owner = Owner(uid: request.peer.uid, name: Accounts.userName(of: request.peer.uid))
        switch job.state {
        case .queued:
            let canceled = try db { () throws(StoreError) in try store.cancelQueued(id: job.id, by: owner, now: Date())
            }
            try? store.appendLog(
                id: job.id, level: .info, message: "canceled by \(owner.name) while queued",
                event: .canceled(by: owner.name, step: nil), now: Date())
            hub.publish(JobEvent(type: .end, jobId: job.id, state: canceled.state, job: canceled))
            return .json(canceled)
        case .running:
            // Watched from before the cancel, so the job's stop cannot fall before the watch.
            let events = hub.subscribe(jobId: job.id)
            guard worker.cancel(jobId: job.id, by: owner) else {
                // It ended between the read above and now.
                let current = try self.job(captures)
                throw APIError(.conflict, "job \(job.id) already \(current.state.rawValue)")
            }
            // The render stops once the tile evaluations in progress end: milliseconds for the
            // built-in model, seconds to minutes for Stable Diffusion. Answer with the stopped job
            // when that is quick, else 202 with the job still running and `canceled_by` set.
            if let events, let stopped = await stopped(job.id, events: events) { return .json(stopped) }
            var stopping = try self.job(captures)
            if stopping.state != .running { return .json(stopping) }
            stopping.canceledBy = owner
            return .json(stopping, status: .accepted)
        default:
            throw APIError(.conflict, "job \(job.id) already \(job.state.rawValue)")
        }
    }

    /// Job `id` once it has left `running`, or nil if it has not within `cancelWait`: its state
    /// events say when to read it (the worker commits a job's new state before publishing it).
    func stopped(_ id: Int64, events: AsyncStream<EncodedEvent>) async -> Job? {
        await withTaskGroup(of: Job?.self) { group in
            group.addTask { [store] in
                for await event in events where event.type == .state || event.type == .end {
                    if let job = try? store.job(id: id), job.state != .running { return job }
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: Self.cancelWait)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    func retry(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let job = try job(captures)
        try authorization.checkModify(job, by: request.peer, action: "retry")
        guard job.state == .failed || job.state == .canceled else {
            throw APIError(
                .conflict, "job \(job.id) is \(job.state.rawValue); only failed or canceled jobs can be retried")
        }
        let limits = configuration
        let queued = try db { () throws(StoreError) in
            try store.retry(
                id: job.id, now: Date(), maxQueued: limits.maxQueuedJobs, maxQueuedPerOwner: limits.maxQueuedJobsPerUser
            )
        }
        hub.publish(JobEvent(type: .state, jobId: job.id, state: queued.state, job: queued))
        worker.wake()
        return .json(queued)
    }

    func remove(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let job = try job(captures)
        try authorization.checkModify(job, by: request.peer, action: "remove")
        guard job.state.isFinished else {
            throw APIError(.conflict, "job \(job.id) is \(job.state.rawValue); cancel it before removing it")
        }
        let removed = try db { () throws(StoreError) in try store.remove(id: job.id) }
        deleteFiles(of: removed)
        return .json(removed)
    }

    func prune(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        if !request.body.isEmpty { try StrictFields.check(request.body, allowed: StrictFields.prune) }
        let body =
            request.body.isEmpty
            ? PruneRequest() : try decode(PruneRequest.self, from: request, numbers: NumericFieldProbe.prune)
        let states = Set(body.states ?? [.succeeded, .failed, .canceled])
        guard states.allSatisfy(\.isFinished) else {
            throw APIError(.badRequest, "invalid states: only finished jobs can be pruned")
        }
        if let age = body.olderThanSeconds, !(age.isFinite && age >= 0) {
            throw APIError(.badRequest, "invalid older_than_seconds: \(age)")
        }
        let cutoff = body.olderThanSeconds.map { Date().addingTimeInterval(-$0) }
        let removed: [Job]
        if authorization.isAdmin(request.peer) {
            removed = try db { () throws(StoreError) in try store.prune(olderThan: cutoff, states: states) }
        } else {
            removed = try pruneOwned(by: request.peer.uid, olderThan: cutoff, states: states)
        }
        removed.forEach(deleteFiles)
        // Then the uploads that no remaining job names, of the same age.
        let admin = authorization.isAdmin(request.peer)
        let images: [ImageRecord]
        do {
            images = try self.images.prune(olderThan: cutoff, ownerUID: admin ? nil : request.peer.uid)
        } catch {
            throw apiError(error)
        }
        return .json(PruneResult(removed: removed.map(\.id), removedImages: images.map(\.id)))
    }

    /// Prunes only `uid`'s jobs: others' are not theirs to remove.
    func pruneOwned(by uid: UInt32, olderThan cutoff: Date?, states: Set<JobState>) throws(APIError) -> [Job] {
        var removed: [Job] = []
        var before: Int64?
        repeat {
            let page = try db { () throws(StoreError) in
                try store.list(states: states, ownerUID: uid, limit: 500, before: before)
            }
            for job in page.jobs {
                if let cutoff, (job.finishedAt ?? .distantFuture) > cutoff { continue }
                removed.append(try db { () throws(StoreError) in try store.remove(id: job.id) })
            }
            before = page.nextBefore
        } while before != nil
        return removed
    }

    func deleteFiles(of job: Job) {
        if let path = job.outputPath { try? FileManager.default.removeItem(atPath: path) }
        worker.removeStageImages(of: job)
        try? worker.checkpointStore(for: job.id).removeAll()
    }
}
