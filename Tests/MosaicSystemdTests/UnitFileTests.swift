import Foundation
import Testing

/// Checks the units in systemd/ with the same tool an administrator would use.
@Suite(.enabled(if: SystemdTool.path("systemd-analyze") != nil, "systemd-analyze is not installed"))
struct UnitFileTests {
    /// The repository's systemd/ folder, found from this file's path (Tests/MosaicSystemdTests/).
    static let unitDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("systemd")

    @Test func serviceExposureIsAtMostTwo() throws {
        let service = Self.unitDirectory.appendingPathComponent("mosaicd.service").path
        let result = try SystemdTool.run("systemd-analyze", ["security", "--offline=true", "--no-pager", service])
        let exposure = try #require(Self.exposure(in: result.output), "no exposure line in:\n\(result.output)")
        #expect(exposure <= 2.0, "exposure \(exposure):\n\(result.output)")
    }

    @Test func unitsVerifyCleanly() throws {
        // verify also checks that ExecStart exists, and the daemon is not installed on a
        // build machine: check a copy that runs /bin/true, next to the real socket unit.
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("mosaic-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let service = try String(
            contentsOf: Self.unitDirectory.appendingPathComponent("mosaicd.service"), encoding: .utf8)
        #expect(service.contains("\nExecStart=/usr/local/bin/mosaicd serve\n"))
        let copy = service.replacingOccurrences(of: "ExecStart=/usr/local/bin/mosaicd", with: "ExecStart=/bin/true")
        try copy.write(to: scratch.appendingPathComponent("mosaicd.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: Self.unitDirectory.appendingPathComponent("mosaicd.socket"),
            to: scratch.appendingPathComponent("mosaicd.socket"))
        let units = ["mosaicd.service", "mosaicd.socket"].map { scratch.appendingPathComponent($0).path }
        // --man=no: the man pages exist only once `make install` has run.
        let result = try SystemdTool.run("systemd-analyze", ["verify", "--man=no"] + units)
        #expect(result.status == 0 && result.output.isEmpty, "systemd-analyze verify:\n\(result.output)")
    }

    @Test func exposureLineIsParsed() {
        let line = "→ Overall exposure level for mosaicd.service: 0.3 SAFE 😀"
        #expect(Self.exposure(in: "x\n\(line)\n") == 0.3)
        #expect(Self.exposure(in: "no score here") == nil)
    }

    /// The number after "Overall exposure level for NAME:".
    static func exposure(in output: String) -> Double? {
        guard let line = output.split(separator: "\n").last(where: { $0.contains("Overall exposure level") }),
            let colon = line.lastIndex(of: ":")
        else { return nil }
        return line[line.index(after: colon)...].split(separator: " ").first.flatMap { Double($0) }
    }
}
