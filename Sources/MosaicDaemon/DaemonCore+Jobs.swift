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
            throw APIError(.badRequest, "invalid priority: \(priority) is outside \(Self.priorityRange.lowerBound)...\(Self.priorityRange.upperBound)")
        }
        let spec = try submission.render.resolved(catalog: catalog) { UInt64.random(in: 0...UInt64.max) }
        try admission.check(try spec.parameters(), lossless: spec.lossless == true, atClaim: false)
        let owner = Owner(uid: request.peer.uid, name: Accounts.userName(of: request.peer.uid))
        let limits = configuration
        let job = try db { () throws(StoreError) in
            try store.submit(spec, priority: priority, owner: owner, now: Date(), maxQueued: limits.maxQueuedJobs,
                             maxQueuedPerOwner: limits.maxQueuedJobsPerUser)
        }
        try? store.appendLog(id: job.id, level: "info", message: "submitted by \(owner.name)", now: Date())
        worker.wake()
        return .json(job, status: .created)
    }

    /// What `GET /v1/jobs` asks for, after the privacy rule, and the name of its kept answer.
    struct ListQuery {
        var states: Set<JobState>
        var owner: UInt32?
        var limit: Int
        var before: Int64?

        var key: String { "\(states.map(\.rawValue).sorted()) \(owner.map(String.init) ?? "-") \(limit) \(before.map(String.init) ?? "-")" }
    }

    func listQuery(_ request: HTTPRequest) throws(APIError) -> ListQuery {
        var states = Set<JobState>()
        let values = request.queryValues("state").flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        for value in values {
            guard let state = JobState(rawValue: value) else {
                throw APIError(.badRequest, "invalid state: '\(value)' (valid: \(JobState.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            states.insert(state)
        }
        var owner = try request.queryValue("owner").map { text throws(APIError) -> UInt32 in
            guard let uid = UInt32(text) else { throw APIError(.badRequest, "invalid owner: '\(text)' is not a uid") }
            return uid
        }
        if !authorization.readOthersJobs, !authorization.isAdmin(request.peer) {
            // Jobs are private here: a user lists only their own.
            if let owner, owner != request.peer.uid {
                throw APIError(.forbidden, "\(Accounts.userName(of: request.peer.uid)) may not list the jobs of uid \(owner): this daemon keeps jobs private (read_others_jobs = false)")
            }
            owner = request.peer.uid
        }
        let limit = try request.queryValue("limit").map { text throws(APIError) -> Int in
            guard let n = Int(text), (1...500).contains(n) else { throw APIError(.badRequest, "invalid limit: '\(text)' is outside 1...500") }
            return n
        } ?? 50
        let before = try request.queryValue("before").map { text throws(APIError) -> Int64 in
            guard let n = Int64(text), n > 0 else { throw APIError(.badRequest, "invalid before: '\(text)' is not a job id") }
            return n
        }
        return ListQuery(states: states, owner: owner, limit: limit, before: before)
    }

    func list(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let query = try listQuery(request)
        let key = query.key
        if let body = responses.page(key) { return HTTPResponse(contentType: "application/json", body: .bytes(body)) }
        let generation = responses.generation
        let page = try db { () throws(StoreError) in
            try store.list(states: query.states.isEmpty ? nil : query.states, ownerUID: query.owner, limit: query.limit, before: query.before)
        }
        return cachedJSON { () throws in
            let body = try jobJSON.body(of: page)
            responses.keep(page: key, body: body, readAt: generation)
            return body
        }
    }

    /// The kept answer to `GET uri` (one job, or a listing) for `peer`, when the daemon has one
    /// that is still valid and may give it without a blocking lookup: with `read_others_jobs` on,
    /// reading needs no group membership. Nil sends the request the usual way (errors included).
    /// Called on the event loop (`KeptAnswerHandler`).
    public func keptAnswer(uri: String, peer: PeerCredentials) -> HTTPResponse? {
        guard authorization.readOthersJobs else { return nil }
        let request = HTTPRequest(method: .GET, uri: uri, body: [], peer: peer)
        let path = request.pathComponents
        guard path.count == 2 || path.count == 3, path[0] == "v1", path[1] == "jobs" else { return nil }
        let body: [UInt8]?
        if path.count == 3 {
            guard let id = Int64(path[2]), id > 0 else { return nil }
            body = responses.job(id)?.body
        } else {
            guard let query = try? listQuery(request) else { return nil }
            body = responses.page(query.key)
        }
        guard let body else { return nil }
        metrics.keptAnswerGiven()
        return HTTPResponse(contentType: "application/json", body: .bytes(body))
    }

    /// `GET /v1/jobs/{id}`: the job, the whole answer kept until the job changes.
    func show(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let id = try jobID(captures)
        if let (job, body) = responses.job(id) {
            try authorization.checkRead(job, by: request.peer)
            return HTTPResponse(contentType: "application/json", body: .bytes(body))
        }
        let generation = responses.generation
        let job = try readableJob(request, captures)
        return cachedJSON { () throws in
            let body = try jobJSON.body(of: job)
            responses.keep(job, body: body, readAt: generation)
            return body
        }
    }

    /// A 200 with the body `encode` builds from `jobJSON`, or 500 as `HTTPResponse.json` gives.
    private func cachedJSON(_ encode: () throws -> [UInt8]) -> HTTPResponse {
        do {
            return HTTPResponse(contentType: "application/json", body: .bytes(try encode()))
        } catch {
            return .error(APIError(.internal, "cannot encode the response: \(error)"))
        }
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
            let canceled = try db { () throws(StoreError) in try store.cancelQueued(id: job.id, by: owner, now: Date()) }
            try? store.appendLog(id: job.id, level: "info", message: "canceled by \(owner.name) while queued", now: Date())
            hub.publish(JobEvent(type: .end, jobId: job.id, state: canceled.state, job: canceled))
            return .json(canceled)
        case .running:
            guard worker.cancel(jobId: job.id, by: owner) else {
                // It ended between the read above and now.
                let current = try self.job(captures)
                throw APIError(.conflict, "job \(job.id) already \(current.state.rawValue)")
            }
            // The render stops once the tile evaluations in progress end: milliseconds for the
            // built-in model, seconds to minutes for Stable Diffusion. Answer with the stopped job
            // when that is quick, else 202 with the job still running and `canceled_by` set.
            let deadline = ContinuousClock.now + Self.cancelWait
            while ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
                let current = try self.job(captures)
                if current.state != .running { return .json(current) }
            }
            var stopping = try self.job(captures)
            if stopping.state != .running { return .json(stopping) }
            stopping.canceledBy = owner
            return .json(stopping, status: .accepted)
        default:
            throw APIError(.conflict, "job \(job.id) already \(job.state.rawValue)")
        }
    }

    func retry(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let job = try job(captures)
        try authorization.checkModify(job, by: request.peer, action: "retry")
        guard job.state == .failed || job.state == .canceled else {
            throw APIError(.conflict, "job \(job.id) is \(job.state.rawValue); only failed or canceled jobs can be retried")
        }
        let limits = configuration
        let queued = try db { () throws(StoreError) in
            try store.retry(id: job.id, now: Date(), maxQueued: limits.maxQueuedJobs, maxQueuedPerOwner: limits.maxQueuedJobsPerUser)
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
        let body = request.body.isEmpty ? PruneRequest() : try decode(PruneRequest.self, from: request, numbers: NumericFieldProbe.prune)
        let states = Set(body.states ?? [.succeeded, .failed, .canceled])
        guard states.allSatisfy(\.isFinished) else { throw APIError(.badRequest, "invalid states: only finished jobs can be pruned") }
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
        return .json(PruneResult(removed: removed.map(\.id)))
    }

    /// Prunes only `uid`'s jobs: others' are not theirs to remove.
    func pruneOwned(by uid: UInt32, olderThan cutoff: Date?, states: Set<JobState>) throws(APIError) -> [Job] {
        var removed: [Job] = [], before: Int64?
        repeat {
            let page = try db { () throws(StoreError) in try store.list(states: states, ownerUID: uid, limit: 500, before: before) }
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
        try? worker.checkpointStore(for: job.id).removeAll()
    }
}
