import MosaicAPI

/// A page of jobs by id, with the rows its reader asked for (`JobStore.listPage`).
public struct PartialJobPage: Sendable {
    /// The page's job ids, newest first.
    public let ids: [Int64]
    /// The id to pass as `before` for the next page; nil on the last page.
    public let nextBefore: Int64?
    /// The rows read, by id: those the reader did not have.
    public let rows: [Int64: Job]
}
