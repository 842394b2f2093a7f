/// `POST /v1/batches`: several renders queued together as one batch, all or none.
///
/// Each item is a `SubmitRequest` and a `count`: the item becomes `count` jobs that differ only
/// in their seeds, so `mosaicctl submit --count 100` sends one item, not a hundred.
public struct BatchRequest: Codable, Sendable, Equatable {
    /// The wire names.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case items
    }

    /// The JSON field names, from `CodingKeys`: the daemon refuses any other field.
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }

    /// The renders, at least one; their counts add up to at most the daemon's batch limit.
    public var items: [BatchItem]

    /// Creates a batch submission.
    public init(items: [BatchItem]) { self.items = items }
}

/// One render of a batch and how many jobs it becomes.
public struct BatchItem: Codable, Sendable, Equatable {
    /// The wire names.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case render, priority, count
    }

    /// The JSON field names, from `CodingKeys`: the daemon refuses any other field.
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }

    /// What to render. With a seed, the item's jobs take seed, seed + 1, ... (wrapping past
    /// 2^64 - 1 to 0); without one, each job gets a random seed of its own.
    public var render: RenderSpec
    /// Higher runs first (-100...100, default 0).
    public var priority: Int?
    /// How many jobs this item becomes (default 1).
    public var count: Int?

    /// Creates an item.
    public init(render: RenderSpec, priority: Int? = nil, count: Int? = nil) {
        self.render = render
        self.priority = priority
        self.count = count
    }
}
