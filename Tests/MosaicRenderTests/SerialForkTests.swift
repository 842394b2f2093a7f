import Foundation
import Testing

/// Every test that forks goes through `SerialFork`: all test targets share one process, and
/// OpenBLAS's fork handler deadlocks when two of its threads fork at once. The race is too narrow
/// to provoke on demand (the first forks of the process must coincide), so this checks the rule.
@Suite struct SerialForkTests {
    @Test func noTestCallsForkDirectly() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let files = try #require(FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 20)
        var forkers: [String] = []
        var direct: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let name = file.lastPathComponent
            if text.contains("SerialFork.fork()") { forkers.append(name) }
            let lines = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            if name != "SerialFork.swift" && name != "SerialForkTests.swift"
                && lines.contains(where: { $0.contains("fork()") && !$0.contains("SerialFork.fork()") }) {
                direct.append(name)
            }
        }
        #expect(Set(forkers).isSuperset(of: ["CheckpointCrashTests.swift", "TileJournalTests.swift", "ForkedChild.swift"]))
        #expect(direct.isEmpty, "fork() outside SerialFork in \(direct)")
    }
}
