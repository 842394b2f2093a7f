/// A job's estimated peak memory and disk use, as admission control computed it.
public struct JobResourceEstimate: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case memoryBytes = "memory_bytes"
        case diskBytes = "disk_bytes"
        case memoryTerms = "memory_terms"
        case diskTerms = "disk_terms"
    }

    /// Estimated peak resident memory in bytes.
    public var memoryBytes: Int
    /// Estimated disk use in bytes (checkpoints, tile journal, output).
    public var diskBytes: Int
    /// The parts of the memory estimate by name (`latent canvas`, `model`, ...).
    public var memoryTerms: [String: Int]?
    /// The parts of the disk estimate by name.
    public var diskTerms: [String: Int]?

    /// Creates an estimate.
    public init(memoryBytes: Int, diskBytes: Int, memoryTerms: [String: Int]? = nil, diskTerms: [String: Int]? = nil) {
        self.memoryBytes = memoryBytes
        self.diskBytes = diskBytes
        self.memoryTerms = memoryTerms
        self.diskTerms = diskTerms
    }
}
