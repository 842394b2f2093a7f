import Foundation
import MosaicAPI
import MosaicStore

/// Show and list: bodies cached until a job in them changes (`ResponseCache`).
extension DaemonCore {
    /// What `GET /v1/jobs` asks for, after the privacy rule, and its key in the response cache.
    struct ListQuery {
        var states: Set<JobState>
        var owner: UInt32?
        var batch: Int64?
        var limit: Int
        var before: Int64?

        var key: String {
            "\(states.map(\.rawValue).sorted()) \(owner.map(String.init) ?? "-") \(batch.map(String.init) ?? "-") \(limit) \(before.map(String.init) ?? "-")"
        }
    }

    func listQuery(_ request: HTTPRequest) throws(APIError) -> ListQuery {
        var states = Set<JobState>()
        let values = request.queryValues("state").flatMap {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        for value in values {
            guard let state = JobState(rawValue: value) else {
                throw APIError(
                    .badRequest,
                    "invalid state: '\(value)' (valid: \(JobState.allCases.map(\.rawValue).joined(separator: ", ")))")
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
                throw APIError(
                    .forbidden,
                    "\(Accounts.userName(of: request.peer.uid)) may not list the jobs of uid \(owner): this daemon keeps jobs private (read_others_jobs = false)"
                )
            }
            owner = request.peer.uid
        }
        let limit =
            try request.queryValue("limit").map { text throws(APIError) -> Int in
                guard let n = Int(text), (1...500).contains(n) else {
                    throw APIError(.badRequest, "invalid limit: '\(text)' is outside 1...500")
                }
                return n
            } ?? 50
        let before = try request.queryValue("before").map { text throws(APIError) -> Int64 in
            guard let n = Int64(text), n > 0 else {
                throw APIError(.badRequest, "invalid before: '\(text)' is not a job id")
            }
            return n
        }
        let batch = try request.queryValue("batch").map { text throws(APIError) -> Int64 in
            guard let n = Int64(text), n > 0 else {
                throw APIError(.badRequest, "invalid batch: '\(text)' is not a batch id")
            }
            return n
        }
        return ListQuery(states: states, owner: owner, batch: batch, limit: limit, before: before)
    }

    func list(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let query = try listQuery(request)
        let key = query.key
        if let body = responses.page(key) {
            metrics.cachedAnswerGiven()
            return Self.jsonBody(body)
        }
        // Rebuilt from the page's ids: only the rows of jobs changed since their JSON was cached
        // are read (a running job changes at every step; the rest of the page does not).
        let generation = responses.generation
        var cached: [Int64: ArraySlice<UInt8>] = [:]
        let page = try db { () throws(StoreError) in
            try store.listPage(
                states: query.states.isEmpty ? nil : query.states, ownerUID: query.owner, batchID: query.batch,
                limit: query.limit, before: query.before
            ) { id in
                cached[id] = responses.json(of: id, cachedBy: generation)
                return cached[id] == nil
            }
        }
        return encoded { () throws in
            let jobs = try page.ids.map { id throws -> ArraySlice<UInt8> in
                if let json = cached[id] { return json }
                guard let job = page.rows[id] else { throw StoreError.notFound(id) }
                let body = try JobPageJSON.body(of: job)
                responses.cache(job, body: body, readAt: generation)
                return body.dropLast()
            }
            let body = JobPageJSON.body(ofPage: jobs, nextBefore: page.nextBefore)
            responses.cache(page: key, body: body, readAt: generation)
            return body
        }
    }

    /// `GET /v1/jobs/{id}`: the job, its body cached until the job changes.
    func show(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let id = try jobID(captures)
        if let (job, body) = responses.job(id) {
            try authorization.checkRead(job, by: request.peer)
            metrics.cachedAnswerGiven()
            return Self.jsonBody(body)
        }
        let generation = responses.generation
        let job = try readableJob(request, captures)
        return encoded { () throws in
            let body = try JobPageJSON.body(of: job)
            responses.cache(job, body: body, readAt: generation)
            return body
        }
    }

    /// A 200 with the JSON `body`.
    private static func jsonBody(_ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(contentType: "application/json", body: .bytes(body))
    }

    /// The 200 with the body `encode` builds, or the 500 that `HTTPResponse.json` gives.
    private func encoded(_ encode: () throws -> [UInt8]) -> HTTPResponse {
        do {
            return Self.jsonBody(try encode())
        } catch {
            return .error(APIError(.internal, "cannot encode the response: \(error)"))
        }
    }
}
