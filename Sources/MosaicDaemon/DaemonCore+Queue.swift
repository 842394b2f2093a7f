import Foundation
import MosaicAPI
import MosaicRender
import MosaicStore

extension DaemonCore {
    /// The status as `peer` may see it: with private jobs, another user's running job is left out.
    func status(for peer: PeerCredentials) throws(APIError) -> DaemonStatus {
        let counts = try db { () throws(StoreError) in try store.counts() }
        let paused = try db { () throws(StoreError) in try store.isPaused() }
        let running = try db { () throws(StoreError) in try store.jobs(in: .running).first }
            .flatMap { authorization.mayRead($0, by: peer) ? $0 : nil }
        return DaemonStatus(
            version: Self.version, uptimeSeconds: Date().timeIntervalSince(startedAt), paused: paused,
            counts: Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, counts[$0] ?? 0) }),
            running: running, threads: threads)
    }

    func models() -> [ModelInfo] {
        let models = catalog.names.compactMap { name -> ModelInfo? in
            guard let model = catalog.models[name] else { return nil }
            return ModelInfo(
                name: name, kind: model.kind, summary: model.summary, defaultGuidance: model.defaultGuidanceScale)
        }
        let upscalers = catalog.upscalers.names.compactMap { name -> ModelInfo? in
            guard let upscaler = catalog.upscalers.entries[name] else { return nil }
            return ModelInfo(
                name: name, kind: ModelCatalog.upscalerKind, summary: upscaler.summary, defaultGuidance: 0,
                scale: upscaler.scale, architecture: upscaler.architecture)
        }
        return models + upscalers
    }

    func setPaused(_ paused: Bool, _ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        try authorization.checkAdmin(request.peer, action: paused ? "pause the queue" : "resume the queue")
        try db { () throws(StoreError) in try store.setPaused(paused) }
        logger.info("queue \(paused ? "paused" : "resumed") by \(Accounts.userName(of: request.peer.uid))")
        if !paused { worker.wake() }
        return .json(try status(for: request.peer))
    }

    func metricsText() throws(APIError) -> HTTPResponse {
        let counts = try db { () throws(StoreError) in try store.counts() }
        let paused = try db { () throws(StoreError) in try store.isPaused() }
        let text = metrics.render(
            jobsByState: Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, counts[$0] ?? 0) }),
            uptime: Date().timeIntervalSince(startedAt), paused: paused)
        return HTTPResponse(contentType: "text/plain; version=0.0.4", body: .bytes(Array(text.utf8)))
    }
}
