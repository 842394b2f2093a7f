/// How a kernel may use threads: serially on the calling thread, or spread over a `WorkerPool`.
///
/// The render evaluates tiles in parallel on its own pool and calls kernels with `.serial`
/// (OpenBLAS single-threaded, `BLAS.useSingleThread()`); a single big forward pass (a benchmark,
/// an untiled render) passes a context with a pool and the kernels split their work over it.
/// Kernels never nest `parallelFor` calls, since a pool runs one loop at a time.
public struct ComputeContext: Sendable {
    /// The pool work is spread over; `nil` runs everything on the calling thread.
    public let pool: WorkerPool?

    /// A context over `pool` (`nil`: serial).
    public init(pool: WorkerPool?) { self.pool = pool }

    /// Runs everything on the calling thread.
    public static let serial = ComputeContext(pool: nil)

    /// The number of threads work is split over.
    public var threadCount: Int { pool?.threadCount ?? 1 }

    /// Runs `body(item)` for every item in `0..<count`, in parallel when there is a pool.
    @inlinable
    public func parallelFor(_ count: Int, _ body: (_ item: Int) -> Void) {
        if let pool, count > 1 {
            pool.run(count: count) { item, _ in body(item) }
        } else {
            for item in 0..<count { body(item) }
        }
    }

    /// Splits `0..<total` into about `threadCount * 4` contiguous ranges (multiples of `align`)
    /// and runs `body` on each; serial contexts get one range.
    @inlinable
    public func parallelRanges(_ total: Int, align: Int = 64, _ body: (_ range: Range<Int>) -> Void) {
        guard total > 0 else { return }
        let pieces = threadCount == 1 ? 1 : threadCount * 4
        var chunk = (total + pieces - 1) / pieces
        chunk = max(align, (chunk + align - 1) / align * align)
        let count = (total + chunk - 1) / chunk
        parallelFor(count) { item in
            body(item * chunk..<min(total, (item + 1) * chunk))
        }
    }
}
