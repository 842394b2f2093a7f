import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

#if canImport(Glibc)
    import Glibc
#endif

/// SIGKILL during checkpoint writes, in a forked child: whatever the moment, the newest
/// checkpoint left behind is complete and verifies, and it is the last one whose rename happened.
///
/// The child only writes checkpoints (system calls, encoding) and leaves with `_exit` or dies by
/// SIGKILL; one write in the parent beforehand instantiates every type it needs, and `alarm`
/// turns a hang (a lock held by another thread at fork time) into a failure.
@Suite struct CheckpointCrashTests {
    /// The state written for `step`: a pure function of the step, so the parent can check it.
    static func state(step: Int) -> RenderState {
        var rng = SeededGenerator(seed: UInt64(step) &+ 1000)
        return CheckpointFixtures.state(channels: 4, width: 32, height: 24, step: step, history: true, rng: &rng)
    }

    /// Forks a child that runs `body`, then `_exit(0)`; returns its pid.
    static func spawn(_ body: () -> Void) -> pid_t {
        let pid = SerialFork.fork()
        if pid == 0 {
            alarm(20)
            body()
            _exit(0)
        }
        return pid
    }

    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    @Test(arguments: [
        ("checkpoint.write", 1), ("checkpoint.after-write", 1), ("checkpoint.before-fsync", 1),
        ("checkpoint.before-rename", 1), ("checkpoint.before-dir-fsync", 2),
    ])
    func aCrashAtEachPointLeavesACompleteCheckpoint(point: String, survivingStep: Int) throws {
        let scratch = try CheckpointScratch()
        let plan = try CheckpointFixtures.plan(width: 32, height: 24)
        let store = CheckpointStore(directory: scratch.path, faults: .none)
        try store.write(Self.state(step: 1), parametersHash: CheckpointFixtures.hash, plan: plan)
        let crashing = CheckpointStore(directory: scratch.path, faults: FaultInjection(actions: [point: .crash]))
        let pid = Self.spawn {
            _ = try? crashing.write(Self.state(step: 2), parametersHash: CheckpointFixtures.hash, plan: plan)
        }
        #expect(Self.wait(pid) & 0x7f == SIGKILL)

        let (checkpoint, notes) = store.loadNewestValid(parametersHash: CheckpointFixtures.hash)
        #expect(notes.isEmpty)
        #expect(CheckpointFixtures.sameBits(try #require(checkpoint).state, Self.state(step: survivingStep)))
        // At most the spare is left, half-written: it is not a checkpoint and the next write overwrites it.
        #expect(scratch.files().allSatisfy { !$0.hasPrefix(".") || $0 == ".spare.safetensors" }, "\(scratch.files())")
        try store.write(Self.state(step: 3), parametersHash: CheckpointFixtures.hash, plan: plan)
        #expect(store.loadNewestValid(parametersHash: CheckpointFixtures.hash).checkpoint?.state.step == 3)
    }

    @Test func randomKillsNeverLeaveAnUnusableCheckpoint() throws {
        let scratch = try CheckpointScratch()
        let plan = try CheckpointFixtures.plan(width: 32, height: 24)
        let faults = FaultInjection(actions: [
            "checkpoint.after-write": .sleep(microseconds: 300), "checkpoint.before-rename": .sleep(microseconds: 700),
            "checkpoint.before-dir-fsync": .sleep(microseconds: 500),
        ])
        let store = CheckpointStore(directory: scratch.path, faults: faults)
        try store.write(Self.state(step: 0), parametersHash: CheckpointFixtures.hash, plan: plan)
        var next = 1
        var generator = SystemRandomNumberGenerator()
        for round in 0..<12 {
            let start = next
            let pid = Self.spawn {
                var step = start
                while true {
                    _ = try? store.write(Self.state(step: step), parametersHash: CheckpointFixtures.hash, plan: plan)
                    step += 1
                }
            }
            usleep(UInt32.random(in: 5_000...60_000, using: &generator))
            kill(pid, SIGKILL)
            #expect(Self.wait(pid) & 0x7f == SIGKILL, "round \(round)")

            let (checkpoint, notes) = store.loadNewestValid(parametersHash: CheckpointFixtures.hash)
            #expect(notes.isEmpty, "round \(round): \(notes)")
            let loaded = try #require(checkpoint)
            #expect(loaded.state.step >= start - 1)
            #expect(CheckpointFixtures.sameBits(loaded.state, Self.state(step: loaded.state.step)), "round \(round)")
            next = loaded.state.step + 1
        }
        #expect(next > 3, "the children wrote checkpoints between kills")
    }
}
