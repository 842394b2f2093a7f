import Foundation
import MosaicAPI
import MosaicStore
import NIOCore

/// Show and list: answers kept until a job in them changes (`ResponseCache`), and given on the
/// event loop when they can be (`keptAnswer`, called by `KeptAnswerHandler`).
extension DaemonCore {
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
        if let kept = responses.page(key) { return kept.response }
        // Rebuilt from the page's ids: only the rows of jobs changed since their answers were
        // kept are read (a running job changes at every step; the rest of the page does not).
        let generation = responses.generation
        var kept: [Int64: ByteBufferView] = [:]
        let page = try db { () throws(StoreError) in
            try store.listPage(states: query.states.isEmpty ? nil : query.states, ownerUID: query.owner, limit: query.limit,
                               before: query.before) { id in
                kept[id] = responses.json(of: id, keptBy: generation)
                return kept[id] == nil
            }
        }
        return cachedJSON { () throws in
            let jobs = try page.ids.map { id throws -> ByteBufferView in
                if let json = kept[id] { return json }
                guard let job = page.rows[id] else { throw StoreError.notFound(id) }
                return responses.keep(job, body: try jobJSON.body(of: job), readAt: generation).body.dropLast()
            }
            return responses.keep(page: key, body: JobJSONCache.body(ofPage: jobs, nextBefore: page.nextBefore), readAt: generation)
        }
    }

    /// The kept answer to `GET uri` (one job, or a listing) for `peer`, when the daemon has one
    /// that is still valid and may give it without a blocking lookup: with `read_others_jobs` on,
    /// reading needs no group membership. Nil sends the request the usual way (errors included).
    /// Called on the event loop (`KeptAnswerHandler`).
    public func keptAnswer(uri: String, peer: PeerCredentials) -> KeptResponse? {
        guard authorization.readOthersJobs else { return nil }
        let answer: KeptResponse?
        switch keptTargets.name(of: uri, parse: { keptAnswerName(uri: $0, peer: peer) }) {
        case .job(let id): answer = responses.job(id)?.answer
        case .page(let key): answer = responses.page(key)
        case nil: answer = nil
        }
        guard let answer else { return nil }
        metrics.keptAnswerGiven()
        return answer
    }

    /// Which kept answer `GET uri` would be, parsed as the routes parse it: nil for anything
    /// else, a bad listing query included (it gets its 400 the usual way).
    private func keptAnswerName(uri: String, peer: PeerCredentials) -> KeptTargets.Name? {
        let request = HTTPRequest(method: .GET, uri: uri, body: [], peer: peer)
        let path = request.pathComponents
        guard path.count == 2 || path.count == 3, path[0] == "v1", path[1] == "jobs" else { return nil }
        if path.count == 3 {
            guard let id = Int64(path[2]), id > 0 else { return nil }
            return .job(id)
        }
        guard let query = try? listQuery(request) else { return nil }
        return .page(query.key)
    }

    /// `GET /v1/jobs/{id}`: the job, the whole answer kept until the job changes.
    func show(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let id = try jobID(captures)
        if let (job, kept) = responses.job(id) {
            try authorization.checkRead(job, by: request.peer)
            return kept.response
        }
        let generation = responses.generation
        let job = try readableJob(request, captures)
        return cachedJSON { () throws in responses.keep(job, body: try jobJSON.body(of: job), readAt: generation) }
    }

    /// The answer `keep` builds from `jobJSON` and keeps, or 500 as `HTTPResponse.json` gives.
    private func cachedJSON(_ keep: () throws -> KeptResponse) -> HTTPResponse {
        do {
            return try keep().response
        } catch {
            return .error(APIError(.internal, "cannot encode the response: \(error)"))
        }
    }
}
