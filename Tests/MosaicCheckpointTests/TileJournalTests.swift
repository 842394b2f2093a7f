import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct TileJournalTests {
    static let hash = CheckpointFixtures.hash

    static func tileValues(_ tile: Int, count: Int) -> [Float] {
        var rng = SeededGenerator(seed: UInt64(tile) &* 7919 &+ 1)
        return rng.floatBitPatterns(count)
    }

    @Test func concurrentAppendsAreAllReadBack() throws {
        let scratch = try CheckpointScratch()
        let store = CheckpointStore(directory: scratch.path, faults: .none)
        let journal = try store.openJournal(step: 12, parametersHash: Self.hash)
        let tiles = 200
        let counts = Dictionary(uniqueKeysWithValues: (0..<tiles).map { ($0, 64 + ($0 % 7) * 100) })
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for tile in stride(from: worker, to: tiles, by: 8) {
                try? journal.append(tile: tile, values: Self.tileValues(tile, count: counts[tile] ?? 0))
            }
        }
        journal.close()
        let read = store.readJournal(step: 12, parametersHash: Self.hash, expectedCounts: counts)
        #expect(read.count == tiles)
        for tile in 0..<tiles {
            #expect(
                CheckpointFixtures.sameBits(read[tile] ?? [], Self.tileValues(tile, count: counts[tile] ?? 0)),
                "tile \(tile)")
        }
        #expect(throws: CheckpointError.self) { try journal.append(tile: 0, values: [1]) }
    }

    /// A journal of three records cut at every byte inside the last one keeps the first two.
    @Test func aTornTailKeepsTheValidPrefix() throws {
        let scratch = try CheckpointScratch()
        let path = "\(scratch.path)/step-000003.tiles"
        let journal = try TileJournal(path: path, step: 3, parametersHash: Self.hash)
        for tile in 0..<3 { try journal.append(tile: tile, values: Self.tileValues(tile, count: 10)) }
        journal.close()
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let counts = [0: 10, 1: 10, 2: 10]
        let recordSize = 16 + 40
        for cut in (full.count - recordSize)..<full.count {
            try full.prefix(cut).write(to: URL(fileURLWithPath: path))
            let read = TileJournal.read(path: path, step: 3, parametersHash: Self.hash, expectedCounts: counts)
            #expect(read.keys.sorted() == [0, 1], "cut at \(cut)")
        }
        try full.write(to: URL(fileURLWithPath: path))
        #expect(TileJournal.read(path: path, step: 3, parametersHash: Self.hash, expectedCounts: counts).count == 3)
    }

    @Test func aCorruptRecordEndsTheValidPrefix() throws {
        let scratch = try CheckpointScratch()
        let path = "\(scratch.path)/j.tiles"
        let journal = try TileJournal(path: path, step: 1, parametersHash: Self.hash)
        for tile in 0..<4 { try journal.append(tile: tile, values: Self.tileValues(tile, count: 8)) }
        journal.close()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let header = TileJournal.fileHeader(step: 1, parametersHash: Self.hash).count
        bytes[header + 2 * (16 + 32) + 20] ^= 0x40  // payload of the third record
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let read = TileJournal.read(
            path: path, step: 1, parametersHash: Self.hash, expectedCounts: [0: 8, 1: 8, 2: 8, 3: 8])
        #expect(read.keys.sorted() == [0, 1])
        // The tile index is covered by the CRC too: a record cannot be credited to another tile.
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[header + 2 * (16 + 32) + 20] ^= 0x40
        bytes[header + 4] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(TileJournal.read(path: path, step: 1, parametersHash: Self.hash, expectedCounts: [0: 8, 1: 8]).isEmpty)
    }

    @Test func recordsOfTheWrongSizeAreSkippedAndForeignJournalsIgnored() throws {
        let scratch = try CheckpointScratch()
        let path = "\(scratch.path)/j.tiles"
        let journal = try TileJournal(path: path, step: 5, parametersHash: Self.hash)
        try journal.append(tile: 0, values: Self.tileValues(0, count: 8))
        try journal.append(tile: 1, values: Self.tileValues(1, count: 5))
        try journal.append(tile: 2, values: Self.tileValues(2, count: 8))
        try journal.append(tile: 0, values: [1, 2, 3, 4, 5, 6, 7, 8])
        journal.close()
        let read = TileJournal.read(path: path, step: 5, parametersHash: Self.hash, expectedCounts: [0: 8, 1: 8, 2: 8])
        #expect(read.keys.sorted() == [0, 2])
        #expect(CheckpointFixtures.sameBits(read[0] ?? [], Self.tileValues(0, count: 8)))
        #expect(TileJournal.read(path: path, step: 6, parametersHash: Self.hash, expectedCounts: [0: 8]).isEmpty)
        #expect(
            TileJournal.read(path: path, step: 5, parametersHash: CheckpointFixtures.otherHash, expectedCounts: [0: 8])
                .isEmpty)
        #expect(
            TileJournal.read(
                path: "\(scratch.path)/missing", step: 5, parametersHash: Self.hash, expectedCounts: [0: 8]
            ).isEmpty)
    }

    /// Reopening after a torn tail writes over it, so records appended afterwards are readable.
    @Test func reopeningOverwritesATornTailAndAppendsAfterTheValidPrefix() throws {
        let scratch = try CheckpointScratch()
        let path = "\(scratch.path)/j.tiles"
        var journal = try TileJournal(path: path, step: 2, parametersHash: Self.hash)
        try journal.append(tile: 0, values: Self.tileValues(0, count: 8))
        try journal.append(tile: 1, values: Self.tileValues(1, count: 8))
        journal.close()
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        try full.prefix(full.count - 5).write(to: URL(fileURLWithPath: path))
        journal = try TileJournal(path: path, step: 2, parametersHash: Self.hash)
        try journal.append(tile: 2, values: Self.tileValues(2, count: 8))
        journal.close()
        let read = TileJournal.read(path: path, step: 2, parametersHash: Self.hash, expectedCounts: [0: 8, 1: 8, 2: 8])
        #expect(read.keys.sorted() == [0, 2])
        // A journal of another step at the path is overwritten in place, not truncated: the old
        // step's records still lie behind the new ones, intact, but are bound to the old header.
        journal = try TileJournal(path: path, step: 3, parametersHash: Self.hash)
        #expect(
            TileJournal.read(path: path, step: 3, parametersHash: Self.hash, expectedCounts: [0: 8, 1: 8, 2: 8]).isEmpty
        )
        try journal.append(tile: 1, values: Self.tileValues(7, count: 8))
        journal.close()
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: path)).count > TileJournal.fileHeader(
                step: 3, parametersHash: Self.hash
            ).count + 48)
        let recycled = TileJournal.read(
            path: path, step: 3, parametersHash: Self.hash, expectedCounts: [0: 8, 1: 8, 2: 8])
        #expect(recycled.keys.sorted() == [1])
        #expect(CheckpointFixtures.sameBits(recycled[1] ?? [], Self.tileValues(7, count: 8)))
    }

    /// A write that fails halfway (here: the file size limit, standing in for a full disk) is
    /// written over by the next record, so a later record is readable. Runs in a forked child: limits are per process.
    @Test func aFailedAppendLeavesNoTornRecordBehind() throws {
        let scratch = try CheckpointScratch()
        let path = "\(scratch.path)/j.tiles"
        let journal = try TileJournal(path: path, step: 1, parametersHash: Self.hash)
        try journal.append(tile: 0, values: Self.tileValues(0, count: 100))
        let limit = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        let pid = SerialFork.fork()
        if pid == 0 {
            alarm(20)
            signal(SIGXFSZ, SIG_IGN)
            let resource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
            var original = rlimit()
            getrlimit(resource, &original)
            var small = rlimit(rlim_cur: rlim_t(limit + 200), rlim_max: original.rlim_max)
            setrlimit(resource, &small)
            let failed = (try? journal.append(tile: 1, values: Self.tileValues(1, count: 100))) == nil
            setrlimit(resource, &original)
            let appended = (try? journal.append(tile: 2, values: Self.tileValues(2, count: 100))) != nil
            _exit(failed && appended ? 0 : 1)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        #expect(status == 0)
        let read = TileJournal.read(
            path: path, step: 1, parametersHash: Self.hash, expectedCounts: [0: 100, 1: 100, 2: 100])
        #expect(read.keys.sorted() == [0, 2])
    }
}
