import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// A second, real user account (as `OwnershipTests` makes it): uploads are private whatever
/// `read_others_jobs` says. The other user cannot read, list, remove or use root's image, while
/// `mosaicctl submit --init-image` uploads and uses their own. Needs root and curl (the raw
/// submission naming root's image as that user).
@Suite(
    .serialized,
    .enabled(
        if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
struct ImageOwnershipTests {
    @Test func anotherUsersImageCannotBeReadRemovedOrUsed() throws {
        let uid = try OwnershipTests.ensureAccount()
        let daemon = try DaemonProcess(extraArguments: ["--socket-group", OwnershipTests.group])
        defer { daemon.stop() }
        let ctl = daemon.directory.appendingPathComponent("mosaicctl").path
        try FileManager.default.copyItem(
            atPath: DaemonProcess.binDirectory.appendingPathComponent("mosaicctl").path, toPath: ctl)
        func asUser(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try OwnershipTests.run(
                "/usr/sbin/runuser", ["-u", OwnershipTests.user, "--", path] + arguments,
                environment: ["PATH": "/usr/bin:/bin"])
        }
        func ctlAsUser(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try asUser(ctl, ["--socket", daemon.socketPath] + arguments)
        }
        _ = try daemon.client.pause()
        let png = try ImageEndToEndTests.fixture("png_rgb.png")
        let mine = try daemon.client.uploadImage(png)

        for arguments in [["images", "show", "\(mine.id)"], ["images", "rm", "\(mine.id)"]] {
            let denied = try ctlAsUser(arguments)
            #expect(denied.status == 5, "\(arguments): \(denied)")
            #expect(denied.error.contains("belongs to root"), "\(denied.error)")
        }
        let listed = try ctlAsUser(["images", "list", "--json"])
        #expect(listed.status == 0 && listed.output.isEmpty, "\(listed)")
        // Naming root's image in a submission is refused (403), and no job is made.
        let body = "{\"render\":{\"prompt\":\"theft\",\"init_image\":\(mine.id)}}"
        let stolen = try asUser(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", daemon.socketPath, "-X", "POST",
                "-H", "Content-Type: application/json", "-d", body, "http://mosaicd/v1/jobs",
            ])
        #expect(stolen.output == "403", "\(stolen)")
        #expect(try daemon.client.jobs().jobs.isEmpty)

        // Their own upload through submit --init-image: theirs, used by their job.
        let file = daemon.directory.appendingPathComponent("theirs.png")
        try Data(png).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let submitted = try ctlAsUser([
            "submit", "their own", "--width", "128", "--height", "128", "--steps", "2", "--init-image", file.path,
            "--strength", "0.5",
        ])
        #expect(submitted.status == 0, "\(submitted)")
        let jobID = try #require(Int64(submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        let job = try daemon.client.job(jobID)
        let theirs = try #require(job.render.initImage)
        #expect(job.render.strength == 0.5)
        #expect(try daemon.client.image(theirs).owner.uid == uid)
        // Root and the admin group see every image.
        #expect(Set(try daemon.client.images().map(\.id)) == [mine.id, theirs])

        // A refused submission takes its upload back.
        let refused = try ctlAsUser(["submit", "bad", "--steps", "0", "--init-image", file.path])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.error.contains("removed the uploaded init image"), "\(refused.error)")
        #expect(Set(try daemon.client.images().map(\.id)) == [mine.id, theirs])
    }
}
