import MosaicAPI

extension MosaicClient {
    /// The daemon at a glance (`GET /v1/status`).
    public func status() throws(ClientError) -> DaemonStatus {
        try call("GET", "/v1/status")
    }

    /// The models the daemon can render with (`GET /v1/models`).
    public func models() throws(ClientError) -> [ModelInfo] {
        try call("GET", "/v1/models")
    }

    /// Stops new jobs from starting; the running one continues (root and the admin group).
    public func pause() throws(ClientError) -> DaemonStatus {
        try call("POST", "/v1/queue/pause")
    }

    /// Lets queued jobs start again (root and the admin group).
    public func resume() throws(ClientError) -> DaemonStatus {
        try call("POST", "/v1/queue/resume")
    }

    /// The Prometheus text exposition (`GET /metrics`).
    public func metrics() throws(ClientError) -> String {
        String(decoding: try send("GET", "/metrics"), as: UTF8.self)
    }
}
