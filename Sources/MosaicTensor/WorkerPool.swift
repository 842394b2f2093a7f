import Foundation
import Synchronization

/// A fixed set of threads that run the items of a parallel loop.
///
/// Renders are CPU-bound and must not block Swift's cooperative thread pool, so they run on
/// threads of their own. Items are handed out dynamically (an atomic counter), and each item's
/// result must depend only on its index: then the output is the same for any thread count.
public final class WorkerPool: @unchecked Sendable {
    /// The number of worker threads.
    public let threadCount: Int

    private let condition = NSCondition()
    private let nextItem = Atomic<Int>(0)
    // Guarded by `condition`.
    private var generation = 0
    private var itemCount = 0
    private var finishedWorkers = 0
    private var body: ((_ item: Int, _ worker: Int) -> Void)?
    private var shuttingDown = false

    /// Starts `threadCount` worker threads (at least one). With `niceness`, each thread first
    /// lowers its scheduling priority to that nice value (see `ThreadNiceness`; a failure
    /// leaves the thread at the process's priority).
    public init(threadCount: Int, niceness: Int32? = nil) {
        self.threadCount = max(1, threadCount)
        for worker in 0..<self.threadCount {
            let thread = Thread { [self] in
                KernelThreadName.set("mosaic-worker-\(worker)")
                if let niceness { _ = try? ThreadNiceness.lowerCurrentThread(to: niceness) }
                self.workerLoop(worker)
            }
            thread.name = "mosaic-worker-\(worker)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Stops the worker threads once they are idle; the pool cannot be used afterwards.
    ///
    /// The threads hold the pool alive, so an owner must call this when done with it.
    public func shutdown() {
        condition.lock()
        shuttingDown = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `body(item, worker)` for every item in `0..<count` and returns when all are done.
    ///
    /// `worker` is in `0..<threadCount` and identifies the calling thread, for per-thread scratch.
    public func run(count: Int, _ body: (_ item: Int, _ worker: Int) -> Void) {
        guard count > 0 else { return }
        withoutActuallyEscaping(body) { escapable in
            condition.lock()
            self.body = escapable
            itemCount = count
            finishedWorkers = 0
            nextItem.store(0, ordering: .relaxed)
            generation += 1
            condition.broadcast()
            while finishedWorkers < threadCount { condition.wait() }
            self.body = nil
            condition.unlock()
        }
    }

    private func drain(count: Int, worker: Int) {
        condition.lock()
        let body = self.body
        condition.unlock()
        guard let body else { return }
        while true {
            let item = nextItem.wrappingAdd(1, ordering: .relaxed).oldValue
            if item >= count { return }
            body(item, worker)
        }
    }

    private func workerLoop(_ worker: Int) {
        var seenGeneration = 0
        while true {
            condition.lock()
            while generation == seenGeneration && !shuttingDown { condition.wait() }
            if shuttingDown {
                condition.unlock()
                return
            }
            seenGeneration = generation
            let count = itemCount
            condition.unlock()
            // The closure reference must be gone before this worker reports back: `run` lends
            // a non-escaping closure and checks that nobody still holds it when it returns.
            drain(count: count, worker: worker)

            condition.lock()
            finishedWorkers += 1
            if finishedWorkers == threadCount { condition.broadcast() }
            condition.unlock()
        }
    }
}
