import Foundation
import MosaicTestSupport
import Testing

/// `scripts/check_imports.sh` (run by `make test`) passes on the repository and fails, naming
/// the file and the rule, on trees with an import that crosses the layers.
@Suite struct ImportCheckTests {
    /// The repository root: this file is Tests/MosaicLayeringTests/ImportCheckTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = root.appendingPathComponent("scripts/check_imports.sh").path

    @Test func theRepositoryFollowsTheLayers() throws {
        let result = try Self.check(Self.root)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.isEmpty)
    }

    @Test func aNumericLayerImportingNIOFails() throws {
        let tree = try ScratchTree()
        try tree.write("Sources/MosaicTensor/Tensor.swift", "import Foundation\nimport COpenBLAS\n")
        try tree.write("Sources/MosaicTensor/Leak.swift", "import Foundation\n@preconcurrency import NIOCore\n")
        let result = try Self.check(tree.url)
        #expect(result.status == 1)
        #expect(
            result.output.contains("Sources/MosaicTensor/Leak.swift:2: MosaicTensor imports NIOCore"),
            "\(result.output)")
        #expect(result.output.contains("nothing of the daemon"))
        #expect(!result.output.contains("Tensor.swift:"), "an allowed import was reported: \(result.output)")
    }

    @Test func theCtlImportingTheStoreFails() throws {
        let tree = try ScratchTree()
        try tree.write("ctl/MosaicCtl.swift", "import ArgumentParser\nimport MosaicClient\nimport MosaicAPI\n")
        try tree.write(
            "ctl/Peek.swift",
            "import Foundation\n\n#if canImport(Glibc)\n    import struct MosaicStore.JobStore\n#endif\n")
        let result = try Self.check(tree.url)
        #expect(result.status == 1)
        #expect(result.output.contains("ctl/Peek.swift:4: mosaicctl imports MosaicStore"), "\(result.output)")
        #expect(!result.output.contains("MosaicCtl.swift:"), "an allowed import was reported: \(result.output)")
    }

    @Test func everyKindOfViolationIsNamed() throws {
        let tree = try ScratchTree()
        try tree.write("Sources/MosaicAPI/Job.swift", "import Foundation\nimport Glibc\n")
        try tree.write("Sources/MosaicRender/Renderer.swift", "@testable import MosaicBench\n")
        try tree.write("Sources/MosaicDaemon/Core.swift", "@_exported import MosaicRender\n")
        try tree.write("Sources/MosaicNew/New.swift", "import Foundation\n")
        let result = try Self.check(tree.url)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("Sources/MosaicAPI/Job.swift:2:") && $0.contains("only Foundation") })
        #expect(lines.contains { $0.hasPrefix("Sources/MosaicRender/Renderer.swift:1:") && $0.contains("executable") })
        #expect(lines.contains { $0.hasPrefix("Sources/MosaicDaemon/Core.swift:1:") && $0.contains("@_exported") })
        #expect(lines.contains { $0.hasPrefix("Sources/MosaicNew") && $0.contains("has no import rule") })
    }

    @Test func aTargetMissingFromTheDiagramFails() throws {
        let tree = try ScratchTree()
        try tree.write(
            "Package.swift",
            """
            // swift-tools-version:6.0
            // Layers: MosaicRender -> MosaicImage
            import PackageDescription
            let package = Package(name: "Mosaic", targets: [
                .target(name: "MosaicImage"), .target(name: "MosaicRender", dependencies: ["MosaicImage"]),
                .target(name: "MosaicGhost"), .testTarget(name: "MosaicGhostTests"),
                .target(name: "MosaicStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
            ])
            """)
        let result = try Self.check(tree.url)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "Package.swift: target MosaicGhost is missing from the layer diagram in the header comment",
                "Package.swift: target MosaicStore is missing from the layer diagram in the header comment",
            ], "\(result.output)")
    }

    @Test func importsInCommentsAndStringsAreNotImports() throws {
        let tree = try ScratchTree()
        try tree.write(
            "Sources/MosaicImage/Doc.swift",
            """
            // import NIOCore
            /*
            import GRDB
            */
            let python = \"\"\"
            import json, struct
            \"\"\"
            """)
        let result = try Self.check(tree.url)
        #expect(result.status == 0, "\(result.output)")
    }

    /// Runs the check on `root`; returns its exit status and its standard output.
    static func check(_ root: URL) throws -> (status: Int32, output: String) {
        let result = try Command.run("/bin/bash", [script, root.path])
        return (result.status, result.stdout)
    }
}

/// A temporary source tree, removed when the value goes away.
final class ScratchTree {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-layering-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ path: String, _ text: String) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }
}
