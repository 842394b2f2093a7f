import Foundation
import Glibc
import MosaicTestSupport
import Synchronization
import Testing

/// Forks in progress, counted by the fork handlers below: up in `prepare`, down in `parent`.
private let forksInProgress = Atomic<Int>(0)
/// The most forks ever seen in progress at once while `SerialForkTests` probed.
private let mostForksAtOnce = Atomic<Int>(0)
/// Whether the prepare handler holds each fork open a little, so unserialised forks overlap.
private let probing = Atomic<Bool>(false)

/// Every test that forks goes through `SerialFork`: all test targets share one process, and
/// OpenBLAS's fork handler deadlocks when two of its threads fork at once. Fork handlers of our
/// own, registered like OpenBLAS's, count the forks in progress: through `SerialFork` there is
/// never more than one, however many threads fork together.
@Suite(.serialized) struct SerialForkTests {
    /// Registers the counting handlers once for the whole process.
    static let handlers: Int32 = pthread_atfork(
        {
            let now = forksInProgress.add(1, ordering: .sequentiallyConsistent).newValue
            _ = mostForksAtOnce.max(now, ordering: .sequentiallyConsistent)
            if probing.load(ordering: .relaxed) { usleep(2_000) }
        },
        { _ = forksInProgress.subtract(1, ordering: .sequentiallyConsistent) },
        nil)

    @Test func threadsThatForkTogetherForkOneAtATime() throws {
        try #require(Self.handlers == 0)
        let threads = 8
        let forksPerThread = 5
        let children = Mutex<[pid_t]>([])
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        mostForksAtOnce.store(0, ordering: .sequentiallyConsistent)
        probing.store(true, ordering: .relaxed)
        defer { probing.store(false, ordering: .relaxed) }
        for _ in 0..<threads {
            done.enter()
            Thread {
                start.wait()
                for _ in 0..<forksPerThread {
                    let pid = SerialFork.fork()
                    if pid == 0 { _exit(0) }
                    children.withLock { $0.append(pid) }
                }
                done.leave()
            }.start()
        }
        for _ in 0..<threads { start.signal() }
        done.wait()
        let pids = children.withLock { $0 }
        #expect(pids.count == threads * forksPerThread && pids.allSatisfy { $0 > 0 })
        for pid in pids {
            var status: Int32 = 0
            #expect(waitpid(pid, &status, 0) == pid)
            #expect(status == 0, "child \(pid) ended with status \(status)")
        }
        #expect(mostForksAtOnce.load(ordering: .sequentiallyConsistent) == 1)
    }
}
