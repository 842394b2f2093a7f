import MosaicAPI

extension MosaicClient {
    /// Queues a render (`POST /v1/jobs`); the answer has the defaults filled in and the seed fixed.
    public func submit(_ request: SubmitRequest) throws(ClientError) -> Job {
        try call("POST", "/v1/jobs", json: request)
    }

    /// What a render would cost, stage by stage (`POST /v1/plan`); nothing is queued.
    public func plan(_ request: SubmitRequest) throws(ClientError) -> RenderPlan {
        try call("POST", "/v1/plan", json: request)
    }

    /// One page of jobs, newest first (`GET /v1/jobs`). Empty `states` means every state;
    /// `batch` keeps one batch's jobs; `limit` is 1...500; pass the page's `nextBefore` as
    /// `before` for the next page.
    public func jobs(
        states: [JobState] = [], owner: UInt32? = nil, batch: Int64? = nil, limit: Int = 50, before: Int64? = nil
    ) throws(ClientError) -> JobPage {
        var query = QueryString()
        for state in states { query.add("state", state.rawValue) }
        if let owner { query.add("owner", String(owner)) }
        if let batch { query.add("batch", String(batch)) }
        query.add("limit", String(limit))
        if let before { query.add("before", String(before)) }
        return try call("GET", "/v1/jobs" + query.text)
    }

    /// Every job matching the filters, newest first, following pages of the largest size.
    public func allJobs(states: [JobState] = [], owner: UInt32? = nil, batch: Int64? = nil) throws(ClientError)
        -> [Job]
    {
        var all: [Job] = []
        var before: Int64?
        repeat {
            let page = try jobs(states: states, owner: owner, batch: batch, limit: 500, before: before)
            all += page.jobs
            // Ids only go down page by page; a cursor that does not would loop for ever.
            if let next = page.nextBefore, let previous = before, next >= previous {
                throw .protocolViolation("the job list's next_before \(next) does not go below \(previous)")
            }
            before = page.nextBefore
        } while before != nil
        return all
    }

    /// One job (`GET /v1/jobs/{id}`).
    public func job(_ id: Int64) throws(ClientError) -> Job {
        try call("GET", "/v1/jobs/\(id)")
    }

    /// A job's log, oldest line first (`GET /v1/jobs/{id}/log`).
    public func log(_ id: Int64) throws(ClientError) -> [LogLine] {
        try call("GET", "/v1/jobs/\(id)/log")
    }

    /// Cancels a queued or running job; a running one is answered once it has stopped.
    public func cancel(_ id: Int64) throws(ClientError) -> Job {
        try call("POST", "/v1/jobs/\(id)/cancel")
    }

    /// Requeues a failed or canceled job with the same parameters.
    public func retry(_ id: Int64) throws(ClientError) -> Job {
        try call("POST", "/v1/jobs/\(id)/retry")
    }

    /// Removes a finished job and its files; returns the job as it was.
    public func remove(_ id: Int64) throws(ClientError) -> Job {
        try call("DELETE", "/v1/jobs/\(id)")
    }

    /// Removes finished jobs in bulk (only those the caller may modify).
    public func prune(_ request: PruneRequest) throws(ClientError) -> PruneResult {
        try call("POST", "/v1/jobs/prune", json: request)
    }

    /// The finished image, WebP bytes (`GET /v1/jobs/{id}/output`).
    public func output(_ id: Int64, stage: Int? = nil) throws(ClientError) -> [UInt8] {
        try send("GET", "/v1/jobs/\(id)/output" + (stage.map { "?stage=\($0)" } ?? ""))
    }

    /// The running job's current prediction of its image, WebP, at most 1024 px on the long side.
    public func preview(_ id: Int64) throws(ClientError) -> [UInt8] {
        try send("GET", "/v1/jobs/\(id)/preview")
    }
}
