import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

/// Whole-file reads and atomic replacement, as the render's output and the checkpoints use them.
@Suite struct BinaryFileTests {
    @Test func writesFileAtomically() throws {
        let scratch = try CheckpointScratch()
        let path = "\(scratch.path)/out.webp"
        var rng = SeededGenerator(seed: 8)
        let first = rng.bytes(1000)
        let second = rng.bytes(37)
        try BinaryFile.writeAtomically(first, to: path)
        try BinaryFile.writeAtomically(second, to: path)  // replaces the existing file
        #expect(try BinaryFile.contents(of: path) == second)
        // Only the target remains: no temporary files left behind.
        #expect(scratch.files() == ["out.webp"])
    }

    @Test func reportsWriteFailureWithPath() {
        let error = #expect(throws: FileError.self) {
            try BinaryFile.writeAtomically([1, 2, 3], to: "/nonexistent-dir-\(UUID().uuidString)/x.webp")
        }
        #expect(error?.operation == "open")
        #expect(error?.description.contains("nonexistent-dir") == true)
    }

    @Test func splitsPathsIntoDirectoryAndName() {
        for (path, directory, name) in [
            ("a/b/c.webp", "a/b", "c.webp"), ("/c.webp", "/", "c.webp"), ("c.webp", ".", "c.webp"),
        ] {
            let split = BinaryFile.split(path)
            #expect(split.directory == directory && split.name == name, "\(path)")
        }
    }
}
