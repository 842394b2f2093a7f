import Foundation
import Logging
import MosaicAPI
import MosaicRender
import MosaicStore

/// What every route needs: the queue, the worker, events, metrics and the policy.
public final class DaemonCore: Sendable {
    let store: JobStore
    let worker: RenderWorker
    let hub: EventHub
    let metrics: Metrics
    let catalog: ModelCatalog
    let authorization: Authorization
    let threads: Int
    let startedAt = Date()
    let logger: Logger

    /// The daemon's version.
    public static let version = MosaicVersion.current

    /// Creates the core.
    public init(store: JobStore, worker: RenderWorker, hub: EventHub, metrics: Metrics, catalog: ModelCatalog,
                authorization: Authorization, threads: Int, logger: Logger) {
        self.store = store; self.worker = worker; self.hub = hub; self.metrics = metrics; self.catalog = catalog
        self.authorization = authorization; self.threads = threads; self.logger = logger
    }

    /// Answers one request through the route table; every error becomes the API's JSON error.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        // A literal segment beats a capture: /v1/jobs/prune is the prune resource, not job "prune".
        let matches = Self.routes.compactMap { route in route.match(request.pathComponents).map { (route, $0) } }
        let fewestCaptures = matches.map(\.1.count).min() ?? 0
        let resource = matches.filter { $0.1.count == fewestCaptures }
        let allowed = resource.map(\.0.method.rawValue)
        if let (route, captures) = resource.first(where: { $0.0.method == request.method }) {
            do {
                return try await route.handler(self, request, captures)
            } catch {
                return .error(error)
            }
        }
        if !allowed.isEmpty {
            // RFC 9110 15.5.6: a 405 lists the methods the resource does take.
            var response = HTTPResponse.error(APIError(
                .methodNotAllowed, "\(request.method.rawValue) is not allowed on /\(request.pathComponents.joined(separator: "/")) (allowed: \(allowed.joined(separator: ", ")))"))
            response.headers.append((name: "Allow", value: allowed.joined(separator: ", ")))
            return response
        }
        return .error(APIError(.notFound, "no route for /\(request.pathComponents.joined(separator: "/"))"))
    }

    /// Maps a store failure to the API's error.
    func apiError(_ error: StoreError) -> APIError {
        switch error {
        case .notFound(let id): APIError(.notFound, "no job \(id)")
        case .invalidTransition(let id, let from, let to):
            APIError(.conflict, "job \(id) is \(from.rawValue) and cannot become \(to.rawValue)")
        case .notRunning, .notFinished: APIError(.conflict, error.description)
        case .invalidArgument(let message): APIError(.badRequest, message)
        default: APIError(.internal, "database: \(error)")
        }
    }

    /// Runs a store operation, mapping its errors.
    func db<T>(_ body: () throws(StoreError) -> T) throws(APIError) -> T {
        do { return try body() } catch { throw apiError(error) }
    }

    /// The job named by the `id` capture, or 404.
    func job(_ captures: [String: String]) throws(APIError) -> Job {
        guard let text = captures["id"], let id = Int64(text), id > 0 else {
            throw APIError(.notFound, "no job '\(captures["id"] ?? "")' (job ids are positive integers)")
        }
        guard let job = try db({ () throws(StoreError) in try store.job(id: id) }) else {
            throw APIError(.notFound, "no job \(id)")
        }
        return job
    }

    /// Decodes a JSON request body.
    func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest) throws(APIError) -> T {
        do {
            return try APICoding.decoder().decode(T.self, from: Data(request.body))
        } catch let error as DecodingError {
            throw APIError(.badRequest, "invalid JSON body: \(Self.describe(error))")
        } catch {
            throw APIError(.badRequest, "invalid JSON body: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))'"
        case .typeMismatch(_, let context): return "field '\(path(context))' has the wrong type"
        case .valueNotFound(_, let context): return "field '\(path(context))' is null"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not valid JSON" : "field '\(path(context))' is invalid"
        @unknown default: return "\(error)"
        }
    }
}
