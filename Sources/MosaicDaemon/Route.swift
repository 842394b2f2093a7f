import MosaicAPI
import NIOHTTP1

/// One entry of the declarative route table: a method, a path pattern and its handler.
struct Route: Sendable {
    typealias Handler = @Sendable (DaemonCore, HTTPRequest, [String: String]) async throws(APIError) -> HTTPResponse

    let method: HTTPMethod
    /// Path components; `:name` captures one component.
    let pattern: [String]
    let handler: Handler

    init(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        self.method = method
        pattern = path.split(separator: "/").map(String.init)
        self.handler = handler
    }

    /// The captures if `components` matches the pattern.
    func match(_ components: [String]) -> [String: String]? {
        guard components.count == pattern.count else { return nil }
        var captures: [String: String] = [:]
        for (part, expected) in zip(components, pattern) {
            if expected.hasPrefix(":") {
                captures[String(expected.dropFirst())] = part
            } else if part != expected {
                return nil
            }
        }
        return captures
    }
}

extension DaemonCore {
    /// The API, as documented in docs/api.md.
    static let routes: [Route] = [
        Route(.GET, "/v1/status") { (core, request, _) throws(APIError) in .json(try core.status(for: request.peer)) },
        Route(.GET, "/v1/models") { (core, _, _) throws(APIError) in .json(core.models()) },
        Route(.POST, "/v1/jobs") { (core, request, _) throws(APIError) in try core.submit(request) },
        Route(.GET, "/v1/jobs") { (core, request, _) throws(APIError) in try core.list(request) },
        Route(.POST, "/v1/plan") { (core, request, _) throws(APIError) in try core.plan(request) },
        Route(.POST, "/v1/jobs/prune") { (core, request, _) throws(APIError) in try core.prune(request) },
        Route(.GET, "/v1/jobs/:id") { (core, request, captures) throws(APIError) in try core.show(request, captures) },
        Route(.DELETE, "/v1/jobs/:id") { (core, request, captures) throws(APIError) in
            try core.remove(request, captures)
        },
        Route(.GET, "/v1/jobs/:id/events") { (core, request, captures) throws(APIError) in
            try core.events(request, captures)
        },
        Route(.GET, "/v1/jobs/:id/log") { (core, request, captures) throws(APIError) in try core.log(request, captures)
        },
        Route(.POST, "/v1/jobs/:id/cancel") { (core, request, captures) throws(APIError) in
            try await core.cancel(request, captures)
        },
        Route(.POST, "/v1/jobs/:id/retry") { (core, request, captures) throws(APIError) in
            try core.retry(request, captures)
        },
        Route(.GET, "/v1/jobs/:id/output") { (core, request, captures) throws(APIError) in
            try core.output(request, captures)
        },
        Route(.GET, "/v1/jobs/:id/preview") { (core, request, captures) throws(APIError) in
            try core.preview(request, captures)
        },
        Route(.POST, "/v1/batches") { (core, request, _) throws(APIError) in try core.submitBatch(request) },
        Route(.GET, "/v1/batches/:id") { (core, request, captures) throws(APIError) in
            try core.showBatch(request, captures)
        },
        Route(.POST, "/v1/batches/:id/cancel") { (core, request, captures) throws(APIError) in
            try await core.cancelBatch(request, captures)
        },
        Route(.POST, "/v1/images") { (core, request, _) throws(APIError) in try await core.uploadImage(request) },
        Route(.GET, "/v1/images") { (core, request, _) throws(APIError) in try core.listImages(request) },
        Route(.GET, "/v1/images/:id") { (core, request, captures) throws(APIError) in
            .json(try core.usableImage(request, captures, action: "read"))
        },
        Route(.DELETE, "/v1/images/:id") { (core, request, captures) throws(APIError) in
            try core.removeImage(request, captures)
        },
        Route(.GET, "/v1/images/:id/content") { (core, request, captures) throws(APIError) in
            try core.imageContent(request, captures)
        },
        Route(.POST, "/v1/queue/pause") { (core, request, _) throws(APIError) in try core.setPaused(true, request) },
        Route(.POST, "/v1/queue/resume") { (core, request, _) throws(APIError) in try core.setPaused(false, request) },
        Route(.GET, "/metrics") { (core, _, _) throws(APIError) in try core.metricsText() },
    ]
}
