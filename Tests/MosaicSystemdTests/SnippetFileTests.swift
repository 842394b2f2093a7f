import Foundation
import Testing

/// Applies the sysusers.d and tmpfiles.d snippets to a scratch root, as the package's
/// post-install step would apply them to the real one.
@Suite(
    .enabled(
        if: SystemdTool.path("systemd-sysusers") != nil && SystemdTool.path("systemd-tmpfiles") != nil,
        "systemd-sysusers or systemd-tmpfiles is not installed"))
struct SnippetFileTests {
    @Test(.enabled(if: getuid() == 0, "systemd-tmpfiles must run as root to chown"))
    func snippetsCreateUserAndStateDirectories() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let systemd = UnitFileTests.unitDirectory

        // "-" reads the snippet from stdin: with --root, a file argument is looked up inside the root.
        let sysusers = try String(contentsOf: systemd.appendingPathComponent("mosaic.sysusers"), encoding: .utf8)
        let users = try SystemdTool.run("systemd-sysusers", ["--root=\(root.path)", "-"], input: sysusers)
        try #require(users.status == 0, "systemd-sysusers:\n\(users.output)")
        let passwd = try String(contentsOf: root.appendingPathComponent("etc/passwd"), encoding: .utf8)
        let fields = try #require(
            passwd.split(separator: "\n").first { $0.hasPrefix("mosaic:") }?
                .split(separator: ":", omittingEmptySubsequences: false))
        #expect(fields.count == 7 && fields[5] == "/var/lib/mosaic" && fields[6].hasSuffix("nologin"))
        let uid = try #require(Int(fields[2]))
        #expect(uid > 0 && uid < 1000, "a system user")

        let tmpfiles = try String(contentsOf: systemd.appendingPathComponent("mosaic.tmpfiles"), encoding: .utf8)
        let dirs = try SystemdTool.run("systemd-tmpfiles", ["--root=\(root.path)", "--create", "-"], input: tmpfiles)
        try #require(dirs.status == 0, "systemd-tmpfiles:\n\(dirs.output)")
        for (path, mode) in [
            ("var/lib/mosaic", 0o750), ("var/lib/mosaic/outputs", 0o750), ("var/lib/mosaic/checkpoints", 0o700),
        ] {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(path)")
            #expect((attributes[.ownerAccountID] as? Int) == uid, "\(path)")
        }
    }
}
