import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

@Suite struct CheckpointFaultTests {
    @Test func parsesTheEnvironmentSyntax() throws {
        let faults = try FaultInjection(
            specification:
                "checkpoint.before-rename=150ms, checkpoint.before-fsync=50ms,checkpoint.write=ENOSPC,a=2s,b=errno:5,c=crash,d=10us"
        )
        #expect(
            faults.actions == [
                "checkpoint.before-rename": .sleep(microseconds: 150_000),
                "checkpoint.before-fsync": .sleep(microseconds: 50_000),
                "checkpoint.write": .fail(errno: ENOSPC), "a": .sleep(microseconds: 2_000_000), "b": .fail(errno: 5),
                "c": .crash, "d": .sleep(microseconds: 10),
            ])
        #expect(try FaultInjection(specification: "").actions.isEmpty)
        #expect(throws: FaultInjectionError.self) { try FaultInjection(specification: "checkpoint.write") }
        #expect(throws: FaultInjectionError.self) { try FaultInjection(specification: "x=soon") }
        #expect(throws: FaultInjectionError.self) { try FaultInjection(specification: "x=-5ms") }
    }

    @Test func aSleepPointSleepsAndAFailPointThrows() throws {
        let faults = FaultInjection(actions: ["slow": .sleep(microseconds: 30_000), "full": .fail(errno: ENOSPC)])
        let clock = ContinuousClock()
        let elapsed = try clock.measure { try faults.point("slow") }
        #expect(elapsed >= .milliseconds(30))
        #expect(throws: InjectedFault(point: "full", code: ENOSPC)) { try faults.point("full") }
        #expect(throws: Never.self) { try faults.point("unconfigured") }
    }

    /// ENOSPC at every point before the rename: a typed error naming the file and errno, no
    /// new checkpoint, no spare file left taking space, the older checkpoints intact and loadable.
    @Test(arguments: [
        "checkpoint.write", "checkpoint.after-write", "checkpoint.before-fsync", "checkpoint.before-rename",
    ])
    func aFullDiskLeavesNoCheckpointBehind(point: String) throws {
        let scratch = try CheckpointScratch()
        let (good, states, plan) = try CheckpointStoreTests.populated(scratch, steps: [1, 2])
        let before = try scratch.files(in: "checkpoints/42").map {
            try Data(contentsOf: URL(fileURLWithPath: "\(good.directory)/\($0)"))
        }
        let full = CheckpointStore(
            directory: good.directory, faults: FaultInjection(actions: [point: .fail(errno: ENOSPC)]))
        var state = try #require(states[2])
        state.step = 3
        #expect {
            try full.write(state, parametersHash: CheckpointFixtures.hash, plan: plan)
        } throws: { error in
            guard case .file(let fileError) = error as? CheckpointError else { return false }
            let text = String(describing: error)
            return fileError.code == ENOSPC && fileError.path == good.directory + "/.spare.safetensors"
                && text.contains("No space left on device") && text.contains(fileError.path)
        }
        #expect(scratch.files(in: "checkpoints/42") == ["step-000001.safetensors", "step-000002.safetensors"])
        let after = try scratch.files(in: "checkpoints/42").map {
            try Data(contentsOf: URL(fileURLWithPath: "\(good.directory)/\($0)"))
        }
        #expect(after == before)
        let (checkpoint, notes) = full.loadNewestValid(parametersHash: CheckpointFixtures.hash)
        #expect(checkpoint?.state.step == 2 && notes.isEmpty)
    }

    /// A failure of the final directory fsync comes after the rename: the new checkpoint is
    /// complete (its bytes were fsynced), so it stays and loads.
    @Test func aFailedDirectorySyncLeavesACompleteCheckpoint() throws {
        let scratch = try CheckpointScratch()
        let (good, states, plan) = try CheckpointStoreTests.populated(scratch, steps: [1])
        let store = CheckpointStore(
            directory: good.directory,
            faults: FaultInjection(actions: ["checkpoint.before-dir-fsync": .fail(errno: EIO)]))
        var state = try #require(states[1])
        state.step = 2
        #expect(throws: CheckpointError.file(FileError(operation: "fsync directory", path: good.directory, code: EIO)))
        {
            try store.write(state, parametersHash: CheckpointFixtures.hash, plan: plan)
        }
        #expect(store.loadNewestValid(parametersHash: CheckpointFixtures.hash).checkpoint?.state.step == 2)
    }

    /// The real thing: the same low-level write helper against /dev/full.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func theWriteHelperReportsENOSPCFromDevFull() throws {
        let fd = try POSIXFile.openFile("/dev/full", flags: O_WRONLY)
        defer { POSIXFile.closeFile(fd) }
        #expect(throws: FileError(operation: "write", path: "/dev/full", code: ENOSPC)) {
            try POSIXFile.writeAll(fd, [UInt8](repeating: 1, count: 1 << 20), path: "/dev/full")
        }
    }

    @Test func anUnwritableDirectoryIsATypedError() throws {
        let scratch = try CheckpointScratch()
        try Data().write(to: URL(fileURLWithPath: "\(scratch.path)/file"))
        let store = CheckpointStore(directory: "\(scratch.path)/file/sub", faults: .none)
        var rng = SeededGenerator(seed: 5)
        let state = CheckpointFixtures.state(channels: 4, width: 8, height: 8, step: 1, history: false, rng: &rng)
        #expect {
            try store.write(state, parametersHash: "h", plan: try CheckpointFixtures.plan(width: 8, height: 8))
        } throws: { error in
            guard case .file(let fileError) = error as? CheckpointError else { return false }
            return fileError.code == ENOTDIR && fileError.path.hasPrefix("\(scratch.path)/file")
        }
    }
}
