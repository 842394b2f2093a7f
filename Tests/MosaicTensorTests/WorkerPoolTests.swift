import Synchronization
import Testing

@testable import MosaicTensor

@Suite struct WorkerPoolTests {
    @Test(arguments: [1, 2, 5])
    func everyItemRunsExactlyOnceAcrossManyRuns(threads: Int) {
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        for count in [0, 1, 3, 100, 1000] {
            let hits = Mutex([Int](repeating: 0, count: count))
            let workers = Mutex(Set<Int>())
            pool.run(count: count) { item, worker in
                hits.withLock { $0[item] += 1 }
                workers.withLock { _ = $0.insert(worker) }
            }
            #expect(hits.withLock { $0.allSatisfy { $0 == 1 } })
            #expect(workers.withLock { $0.allSatisfy { (0..<threads).contains($0) } })
        }
    }
}
