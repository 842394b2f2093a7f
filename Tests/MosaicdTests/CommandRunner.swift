import Foundation
import MosaicTestSupport

/// Runs the built `mosaicd` binary (it sits next to the test bundle) and captures its output.
enum Mosaicd {
    /// The `mosaicd` executable built with the tests.
    static var executable: URL { DaemonProcess.binDirectory.appendingPathComponent("mosaicd") }

    static func run(_ arguments: [String]) throws -> Command.Result {
        try Command.run(executable, arguments)
    }
}

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mosaicd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    var isEmpty: Bool { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).isEmpty }
}
