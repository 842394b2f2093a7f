import Foundation
import Logging
import MosaicAPI
import MosaicCheckpoint
import MosaicRender
import MosaicStore

/// What every route needs: the queue, the worker, events, metrics and the policy.
public final class DaemonCore: Sendable {
    let store: JobStore
    /// Uploaded images (`/v1/images`) and their files.
    let images: ImageLibrary
    let worker: RenderWorker
    let hub: EventHub
    let metrics: Metrics
    let catalog: ModelCatalog
    let authorization: Authorization
    let threads: Int
    /// Queue and stream limits (`max_queued_jobs`, `max_queued_jobs_per_user`, `max_event_streams`).
    let configuration: DaemonConfiguration
    let admission: AdmissionControl
    let startedAt = Date()
    let logger: Logger
    /// The bodies of show and list, reused until a job in them changes.
    let responses: ResponseCache

    /// The daemon's version.
    public static let version = MosaicVersion.current

    /// Creates the core.
    public init(
        store: JobStore, images: ImageLibrary, worker: RenderWorker, hub: EventHub, metrics: Metrics,
        catalog: ModelCatalog,
        authorization: Authorization, admission: AdmissionControl, configuration: DaemonConfiguration,
        logger: Logger
    ) {
        self.store = store
        self.images = images
        self.worker = worker
        self.hub = hub
        self.metrics = metrics
        self.catalog = catalog
        self.authorization = authorization
        self.admission = admission
        self.configuration = configuration
        self.threads = configuration.threads
        self.logger = logger
        responses = ResponseCache(changes: store.changes)
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
            var response = HTTPResponse.error(
                APIError(
                    .methodNotAllowed,
                    "\(request.method.rawValue) is not allowed on /\(request.pathComponents.joined(separator: "/")) (allowed: \(allowed.joined(separator: ", ")))"
                ))
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
        case .batchNotFound(let id): APIError(.notFound, "no batch \(id)")
        case .batchOverQueueLimit(_, _, _, let owner):
            APIError(
                .tooManyRequests,
                "\(error.description); nothing was queued "
                    + "(\(owner == nil ? "max_queued_jobs" : "max_queued_jobs_per_user"))")
        case .queueFull(_, _, let owner):
            APIError(
                .tooManyRequests,
                "\(error.description); try again when some have run "
                    + "(\(owner == nil ? "max_queued_jobs" : "max_queued_jobs_per_user"))")
        default: APIError(.internal, "database: \(error)")
        }
    }

    /// Runs a store operation, mapping its errors.
    func db<T>(_ body: () throws(StoreError) -> T) throws(APIError) -> T {
        do { return try body() } catch { throw apiError(error) }
    }

    /// The job named by the `id` capture if `request`'s peer may read it: 404, or 403 when
    /// `read_others_jobs` is off and the job is someone else's.
    func readableJob(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> Job {
        let job = try job(captures)
        try authorization.checkRead(job, by: request.peer)
        return job
    }

    /// The job id in the `id` capture, or 404.
    func jobID(_ captures: [String: String]) throws(APIError) -> Int64 {
        guard let text = captures["id"], let id = Int64(text), id > 0 else {
            throw APIError(.notFound, "no job '\(captures["id"] ?? "")' (job ids are positive integers)")
        }
        return id
    }

    /// The job named by the `id` capture, or 404.
    func job(_ captures: [String: String]) throws(APIError) -> Job {
        let id = try jobID(captures)
        guard let job = try db({ () throws(StoreError) in try store.job(id: id) }) else {
            throw APIError(.notFound, "no job \(id)")
        }
        return job
    }

    /// Decodes a JSON request body; `numbers` are its number fields, to name the one that is out
    /// of its type's range (JSONDecoder does not say which).
    func decode<T: Decodable>(
        _ type: T.Type, from request: HTTPRequest,
        numbers: [NumericFieldProbe.Field] = []
    ) throws(APIError) -> T {
        do {
            return try APICoding.decoder().decode(T.self, from: Data(request.body))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                let field = NumericFieldProbe.firstInvalid(in: request.body, fields: numbers)
            {
                throw APIError(
                    .badRequest, "invalid JSON body: field '\(field.name)' must be \(field.kind.description)")
            }
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
        case .keyNotFound(let key, let context):
            return
                "missing field '\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))'"
        case .typeMismatch(_, let context) where context.codingPath.isEmpty,
            .valueNotFound(_, let context) where context.codingPath.isEmpty:
            return "the body must be a JSON object"
        case .typeMismatch(_, let context): return "field '\(path(context))' has the wrong type"
        case .valueNotFound(_, let context): return "field '\(path(context))' is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "field '\(path(context))' is invalid"
        @unknown default: return "\(error)"
        }
    }
}
