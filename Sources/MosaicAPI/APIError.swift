/// The body of every error response: `{"error": {"code": ..., "message": ...}}`.
public struct ErrorResponse: Codable, Sendable, Equatable, Error {
    /// The error.
    public var error: APIError

    /// Creates an error body.
    public init(_ error: APIError) { self.error = error }
}

/// An error as the API reports it.
public struct APIError: Codable, Sendable, Equatable, Error, CustomStringConvertible {
    /// A stable, machine-readable code.
    public var code: Code
    /// One human-readable sentence.
    public var message: String
    /// For a job refused by admission control (422): its estimated resources.
    public var estimate: JobResourceEstimate?
    /// For a job refused by admission control (422): the budget it exceeds.
    public var budget: ResourceBudget?
    /// For a refused batch (`POST /v1/batches`): the index in `items` of the item at fault.
    public var item: Int?

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, estimate: JobResourceEstimate? = nil, budget: ResourceBudget? = nil,
        item: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.estimate = estimate
        self.budget = budget
        self.item = item
    }

    public var description: String { message }

    /// The error codes and the HTTP statuses they travel with.
    public enum Code: String, Codable, Sendable {
        case badRequest = "bad_request"
        case forbidden
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case conflict
        case payloadTooLarge = "payload_too_large"
        case unprocessable
        case tooManyRequests = "too_many_requests"
        case `internal`
        case unavailable

        /// The HTTP status code.
        public var httpStatus: Int {
            switch self {
            case .badRequest: 400
            case .forbidden: 403
            case .notFound: 404
            case .methodNotAllowed: 405
            case .conflict: 409
            case .payloadTooLarge: 413
            case .unprocessable: 422
            case .tooManyRequests: 429
            case .internal: 500
            case .unavailable: 503
            }
        }
    }
}
