import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

@Suite struct PhaseJournalTests {
    static let hash = CheckpointFixtures.hash

    static func tileBytes(_ tile: Int, count: Int) -> [UInt8] {
        var rng = SeededGenerator(seed: UInt64(tile) &+ 99)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// Image tiles of any length (3 bytes per pixel: rarely whole words) come back exactly,
    /// and only under their own phase and parameters.
    @Test func byteRecordsComeBackUnpaddedUnderTheirPhaseOnly() throws {
        let scratch = try CheckpointScratch()
        let store = CheckpointStore(directory: scratch.path, faults: .none)
        let counts = [0: 3 * 5, 1: 3 * 7 * 3, 2: 12, 3: 1]
        let journal = try store.openJournal(.decode, parametersHash: Self.hash)
        for (tile, count) in counts.sorted(by: { $0.key < $1.key }) where tile != 2 {
            try Self.tileBytes(tile, count: count).withUnsafeBytes { try journal.append(tile: tile, bytes: $0) }
        }
        journal.close()
        let read = store.readJournal(.decode, parametersHash: Self.hash, expectedByteCounts: counts)
        #expect(read.keys.sorted() == [0, 1, 3])
        for (tile, bytes) in read { #expect(bytes == Self.tileBytes(tile, count: counts[tile] ?? 0)) }
        #expect(store.readJournal(.encode, parametersHash: Self.hash, expectedByteCounts: counts).isEmpty)
        let otherHash = String(repeating: "0", count: 64)
        #expect(store.readJournal(.decode, parametersHash: otherHash, expectedByteCounts: counts).isEmpty)
        // A record of another length than expected (to the word: the plan fixes the lengths) is not used.
        #expect(store.readJournal(.decode, parametersHash: Self.hash, expectedByteCounts: [0: 20]).isEmpty)
    }

    /// Reopening keeps an earlier attempt's records: a resumed decode adds the missing tiles.
    @Test func aReopenedJournalKeepsItsRecords() throws {
        let scratch = try CheckpointScratch()
        let store = CheckpointStore(directory: scratch.path, faults: .none)
        let first = try store.openJournal(.decode, parametersHash: Self.hash)
        try [UInt8](repeating: 7, count: 9).withUnsafeBytes { try first.append(tile: 0, bytes: $0) }
        first.close()
        let second = try store.openJournal(.decode, parametersHash: Self.hash)
        try [UInt8](repeating: 8, count: 9).withUnsafeBytes { try second.append(tile: 1, bytes: $0) }
        second.close()
        let read = store.readJournal(.decode, parametersHash: Self.hash, expectedByteCounts: [0: 9, 1: 9])
        #expect(read == [0: [UInt8](repeating: 7, count: 9), 1: [UInt8](repeating: 8, count: 9)])
    }

    @Test func removingAJobRemovesItsStagesAndPhaseJournals() throws {
        let scratch = try CheckpointScratch()
        let store = CheckpointStore(directory: scratch.path + "/job", faults: .none)
        for index in 0..<3 {
            let journal = try store.stage(index).openJournal(.decode, parametersHash: Self.hash)
            journal.close()
            let steps = try store.stage(index).openJournal(step: 1, parametersHash: Self.hash)
            steps.close()
        }
        try store.openJournal(.encode, parametersHash: Self.hash).close()
        #expect(FileManager.default.fileExists(atPath: store.stage(2).journalPath(.decode)))
        try store.removeAll()
        #expect(!FileManager.default.fileExists(atPath: store.directory))
    }
}
