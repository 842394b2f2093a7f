import Foundation
import MosaicDiffusion
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

@Suite struct CheckpointStoreTests {
    /// A store in a fresh directory (below the scratch root, so creation is exercised) with
    /// checkpoints of steps `steps` written in order; returns the states by step.
    static func populated(
        _ scratch: CheckpointScratch, steps: [Int], faults: FaultInjection = .none
    ) throws -> (CheckpointStore, [Int: RenderState], TilePlan) {
        let store = CheckpointStore(directory: "\(scratch.path)/checkpoints/42", faults: faults)
        let plan = try CheckpointFixtures.plan(width: 16, height: 12)
        var rng = SeededGenerator(seed: 31)
        var states: [Int: RenderState] = [:]
        for step in steps {
            let state = CheckpointFixtures.state(
                channels: 4, width: 16, height: 12, step: step, history: step > 0, rng: &rng)
            let written = try store.write(state, parametersHash: CheckpointFixtures.hash, plan: plan)
            #expect(written.path == store.path(step: step))
            #expect(written.bytes == (try FileManager.default.attributesOfItem(atPath: written.path)[.size] as? Int))
            #expect(written.seconds >= 0)
            states[step] = state
        }
        return (store, states, plan)
    }

    @Test func writesAtomicallyAndKeepsTheNewestTwo() throws {
        let scratch = try CheckpointScratch()
        let (store, states, _) = try Self.populated(scratch, steps: [0, 1, 2, 3])
        // The oldest retired checkpoint stays as the spare that the next write overwrites in place;
        // it is never a candidate for recovery.
        #expect(
            scratch.files(in: "checkpoints/42") == [
                ".spare.safetensors", "step-000002.safetensors", "step-000003.safetensors",
            ])
        #expect(store.steps() == [2, 3])
        let (checkpoint, notes) = store.loadNewestValid(parametersHash: CheckpointFixtures.hash)
        #expect(notes.isEmpty)
        #expect(CheckpointFixtures.sameBits(try #require(checkpoint).state, try #require(states[3])))
    }

    /// Checkpoints go to disk with direct I/O: the header is padded with spaces so that the data
    /// starts on a page, and the file ends exactly with the data (the padding of the last block
    /// is cut off). Apart from the padding it is the in-memory encoding, byte for byte.
    @Test func theDataStartsOnAPageAndTheFileEndsWithIt() throws {
        let scratch = try CheckpointScratch()
        let (store, states, plan) = try Self.populated(scratch, steps: [5])
        let state = try #require(states[5])
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store.path(step: 5))))
        let headerLength = file[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let dataStart = 8 + headerLength
        #expect(dataStart % DirectWriteBuffer.alignment == 0)
        #expect(file.count == dataStart + 4 * (state.latent.count + state.samplerHistory.previousDenoised.count))

        let reference = try CheckpointFile.encode(
            Checkpoint(state: state, parametersHash: CheckpointFixtures.hash, plan: plan))
        let referenceStart = 8 + reference[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(file[dataStart...] == reference[referenceStart...])
        let trimmed = { (bytes: [UInt8], start: Int) in
            String(decoding: bytes[8..<start], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        #expect(trimmed(file, dataStart) == trimmed(reference, referenceStart))
        #expect(file[dataStart - 1] == UInt8(ascii: " "))
    }

    /// A direct write that the file system refuses (EINVAL, here a range that does not start on a
    /// block) goes on buffered on the same descriptor, with the same bytes.
    @Test func aRefusedDirectWriteFallsBackToABufferedOne() throws {
        let scratch = try CheckpointScratch()
        let path = "\(scratch.path)/file"
        let buffer = DirectWriteBuffer()
        let base = try #require(buffer.reserve(3 * DirectWriteBuffer.alignment))
        for i in 0..<(3 * DirectWriteBuffer.alignment) {
            (base + i).storeBytes(of: UInt8(truncatingIfNeeded: i * 7), as: UInt8.self)
        }
        let fd = try DirectWriteBuffer.openFile(path)
        defer { POSIXFile.closeFile(fd) }
        try buffer.write(0..<DirectWriteBuffer.alignment, to: fd, path: path)
        try buffer.write(DirectWriteBuffer.alignment..<(3 * DirectWriteBuffer.alignment - 100), to: fd, path: path)
        try buffer.write(
            (3 * DirectWriteBuffer.alignment - 100)..<(3 * DirectWriteBuffer.alignment), to: fd, path: path)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == Array(UnsafeRawBufferPointer(start: base, count: 3 * DirectWriteBuffer.alignment)))
    }

    enum Damage: String, CaseIterable { case flipDataByte, truncate, delete, otherParameters, garbage, empty }

    @Test(arguments: Damage.allCases)
    func damagedNewestFallsBackToThePreviousOne(damage: Damage) throws {
        let scratch = try CheckpointScratch()
        let (store, states, plan) = try Self.populated(scratch, steps: [4, 5])
        let newest = store.path(step: 5)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: newest)))
        let expectedNote: String?
        switch damage {
        case .flipDataByte:
            bytes[bytes.count - 100] ^= 0x01
            expectedNote = "step-000005.safetensors: checksum mismatch (truncated or corrupt)"
        case .truncate:
            bytes.removeLast(bytes.count / 3)
            expectedNote = "step-000005.safetensors: truncated"
        case .delete:
            try FileManager.default.removeItem(atPath: newest)
            expectedNote = nil
        case .otherParameters:
            var rng = SeededGenerator(seed: 99)
            let state = CheckpointFixtures.state(channels: 4, width: 16, height: 12, step: 5, history: true, rng: &rng)
            bytes = try CheckpointFile.encode(
                Checkpoint(state: state, parametersHash: CheckpointFixtures.otherHash, plan: plan))
            expectedNote = "step-000005.safetensors: written for other render parameters"
        case .garbage:
            bytes = Array("not a checkpoint at all".utf8)
            expectedNote = "step-000005.safetensors: not a valid safetensors file"
        case .empty:
            bytes = []
            expectedNote = "step-000005.safetensors: truncated"
        }
        if damage != .delete { try Data(bytes).write(to: URL(fileURLWithPath: newest)) }

        let (checkpoint, notes) = store.loadNewestValid(parametersHash: CheckpointFixtures.hash)
        #expect(CheckpointFixtures.sameBits(try #require(checkpoint).state, try #require(states[4])))
        if let expectedNote {
            #expect(notes.count == 1)
            #expect(notes.first?.hasPrefix(expectedNote) == true, "\(notes)")
            #expect(notes.first?.hasSuffix("; falling back to step-000004.safetensors") == true, "\(notes)")
        } else {
            #expect(notes.isEmpty)
        }
    }

    @Test func bothBadGivesNilAndTwoNotes() throws {
        let scratch = try CheckpointScratch()
        let (store, _, _) = try Self.populated(scratch, steps: [1, 2])
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: store.path(step: 2)))
        try handle.truncate(atOffset: 100)
        try handle.close()
        let (checkpoint, notes) = store.loadNewestValid(parametersHash: CheckpointFixtures.otherHash)
        #expect(checkpoint == nil)
        #expect(notes.count == 2)
        #expect(notes[0].hasPrefix("step-000002.safetensors: truncated"), "\(notes)")
        #expect(notes[0].hasSuffix("falling back to step-000001.safetensors"))
        #expect(notes[1].hasPrefix("step-000001.safetensors: written for other render parameters"), "\(notes)")
        #expect(notes[1].hasSuffix("; no older checkpoint"))
    }

    @Test func aFileWhoseNameAndStepDisagreeIsRejected() throws {
        let scratch = try CheckpointScratch()
        let (store, _, _) = try Self.populated(scratch, steps: [1, 2])
        try FileManager.default.copyItem(atPath: store.path(step: 1), toPath: store.path(step: 9))
        let (checkpoint, notes) = store.loadNewestValid(parametersHash: CheckpointFixtures.hash)
        #expect(checkpoint?.state.step == 2)
        #expect(
            notes == [
                "step-000009.safetensors: file name says step 9 but the metadata says step 1; falling back to step-000002.safetensors"
            ])
    }

    @Test func missingDirectoryMeansNothingToResume() {
        let store = CheckpointStore(directory: "/nonexistent/mosaic/\(UUID().uuidString)", faults: .none)
        let (checkpoint, notes) = store.loadNewestValid(parametersHash: "x")
        #expect(checkpoint == nil && notes.isEmpty)
        #expect(throws: Never.self) { try store.removeAll() }
    }

    @Test func leftoverTemporaryFilesAreIgnoredAndCleaned() throws {
        let scratch = try CheckpointScratch()
        let (store, _, _) = try Self.populated(scratch, steps: [1])
        let leftover = "\(store.directory)/.step-000002.safetensors.tmp-123-abc"
        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: leftover))
        let (checkpoint, notes) = store.loadNewestValid(parametersHash: CheckpointFixtures.hash)
        #expect(checkpoint?.state.step == 1 && notes.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: leftover))
    }

    @Test func writingALowerStepDropsTheAbandonedHigherOnesAndOldJournals() throws {
        let scratch = try CheckpointScratch()
        let (store, states, plan) = try Self.populated(scratch, steps: [7, 8])
        for step in [6, 7, 8, 9] { _ = try store.openJournal(step: step, parametersHash: CheckpointFixtures.hash) }
        var state = try #require(states[7])
        state.step = 3
        try store.write(state, parametersHash: CheckpointFixtures.hash, plan: plan)
        #expect(
            scratch.files(in: "checkpoints/42") == [".spare.safetensors", ".spare.tiles", "step-000003.safetensors"])
        try store.write(try #require(states[8]), parametersHash: CheckpointFixtures.hash, plan: plan)
        _ = try store.openJournal(step: 8, parametersHash: CheckpointFixtures.hash)
        _ = try store.openJournal(step: 2, parametersHash: CheckpointFixtures.hash)
        try store.write(try #require(states[8]), parametersHash: CheckpointFixtures.hash, plan: plan)
        #expect(
            scratch.files(in: "checkpoints/42") == [
                ".spare.tiles", "step-000003.safetensors", "step-000008.safetensors", "step-000008.tiles",
            ])
    }

    /// A finished step's journal becomes the spare, and the next new journal takes it over: its
    /// old records are still on disk behind the new ones but never count for the new step.
    @Test func aRetiredJournalIsRecycledWithoutItsRecords() throws {
        let scratch = try CheckpointScratch()
        let (store, states, plan) = try Self.populated(scratch, steps: [1])
        let old = try store.openJournal(step: 1, parametersHash: CheckpointFixtures.hash)
        for tile in 0..<4 { try old.append(tile: tile, values: [Float](repeating: Float(tile), count: 6)) }
        old.close()
        var state = try #require(states[1])
        state.step = 2
        try store.write(state, parametersHash: CheckpointFixtures.hash, plan: plan)
        #expect(
            scratch.files(in: "checkpoints/42") == [
                ".spare.tiles", "step-000001.safetensors", "step-000002.safetensors",
            ])
        let counts = [0: 6, 1: 6, 2: 6, 3: 6]
        let journal = try store.openJournal(step: 2, parametersHash: CheckpointFixtures.hash)
        #expect(!scratch.files(in: "checkpoints/42").contains(".spare.tiles"))
        #expect(store.readJournal(step: 2, parametersHash: CheckpointFixtures.hash, expectedCounts: counts).isEmpty)
        try journal.append(tile: 3, values: [Float](repeating: 9, count: 6))
        journal.close()
        let read = store.readJournal(step: 2, parametersHash: CheckpointFixtures.hash, expectedCounts: counts)
        #expect(read.keys.sorted() == [3] && read[3] == [Float](repeating: 9, count: 6))
    }

    @Test func removeAllDeletesEverythingOfTheJob() throws {
        let scratch = try CheckpointScratch()
        let (store, _, _) = try Self.populated(scratch, steps: [1, 2])
        _ = try store.openJournal(step: 2, parametersHash: CheckpointFixtures.hash)
        try store.removeAll()
        #expect(!FileManager.default.fileExists(atPath: store.directory))
        try store.removeAll()
    }
}
