/// What the daemon lets one job use: its memory and disk budget in bytes.
public struct ResourceBudget: Codable, Sendable, Equatable {
    /// The wire names: snake_case, spelled out (a key strategy costs every key of every decode).
    enum CodingKeys: String, CodingKey {
        case memoryBytes = "memory_bytes"
        case diskBytes = "disk_bytes"
    }

    /// The largest estimated peak memory a job may have.
    public var memoryBytes: Int
    /// The largest estimated disk use a job may have.
    public var diskBytes: Int

    /// Creates a budget.
    public init(memoryBytes: Int, diskBytes: Int) {
        self.memoryBytes = memoryBytes
        self.diskBytes = diskBytes
    }
}
