import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// A second, real user account talks to the daemon through `mosaicctl`: it may read others'
/// jobs but not modify them (403, exit code 5), and owns what it submits. Needs root to create
/// the account, as CI has.
@Suite(.serialized, .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd")))
struct OwnershipTests {
    static let user = "mosaic-e2e-user"
    static let group = "mosaic-e2e"

    /// Creates the group and the user (once per machine) and returns the user's uid.
    static func ensureAccount() throws -> UInt32 {
        _ = try run("/usr/sbin/groupadd", ["--force", group])
        if try run("/usr/bin/id", ["-u", user]).status != 0 {
            let created = try run(
                "/usr/sbin/useradd",
                [
                    "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "--groups", group, user,
                ])
            guard created.status == 0 else { throw DaemonTestError.timeout("useradd failed: \(created.output)") }
        }
        _ = try run("/usr/sbin/usermod", ["-aG", group, user])
        let uid = try run("/usr/bin/id", ["-u", user]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        return UInt32(uid) ?? 0
    }

    static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (
        status: Int32, output: String, error: String
    ) {
        let result = try Command.run(path, arguments, environment: environment)
        return (result.status, result.stdout, result.stderr)
    }

    @Test func anotherUserCannotCancelTheFirstUsersJob() throws {
        let uid = try Self.ensureAccount()
        let daemon = try DaemonProcess(extraArguments: ["--socket-group", Self.group])
        defer { daemon.stop() }
        // The other user runs a copy of mosaicctl that it can reach.
        let ctl = daemon.directory.appendingPathComponent("mosaicctl").path
        try FileManager.default.copyItem(
            atPath: DaemonProcess.binDirectory.appendingPathComponent("mosaicctl").path, toPath: ctl)
        func asUser(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try Self.run(
                "/usr/sbin/runuser", ["-u", Self.user, "--", ctl, "--socket", daemon.socketPath] + arguments,
                environment: ["PATH": "/usr/bin:/bin"])
        }
        _ = try daemon.client.pause()
        let mine = try daemon.client.submit(SubmitRequest(render: smallRender()))

        let denied = try asUser(["cancel", "\(mine.id)"])
        #expect(denied.status == 5, "\(denied)")
        #expect(denied.error.contains("belongs to root"), "\(denied.error)")
        #expect(try daemon.client.job(mine.id).state == .queued)
        #expect(try asUser(["rm", "\(mine.id)"]).status == 5)
        #expect(try asUser(["pause"]).status == 5)

        let shown = try asUser(["show", "\(mine.id)", "--json"])
        #expect(shown.status == 0, "reading others' jobs is allowed: \(shown.error)")

        let submitted = try asUser(["submit", "their own", "--width", "128", "--height", "128", "--steps", "2"])
        #expect(submitted.status == 0, "\(submitted.error)")
        let theirs = try #require(Int64(submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        let job = try daemon.client.job(theirs)
        #expect(job.owner == Owner(uid: uid, name: Self.user))
        #expect(try asUser(["cancel", "\(theirs)"]).status == 0)
        #expect(try daemon.client.job(theirs).canceledBy?.uid == uid)
        // Root may cancel anybody's job.
        #expect(try daemon.client.cancel(mine.id).state == .canceled)
    }

    @Test func anotherUserIsDeniedEveryModification() throws {
        _ = try Self.ensureAccount()
        let daemon = try DaemonProcess(extraArguments: ["--socket-group", Self.group])
        defer { daemon.stop() }
        let ctl = daemon.directory.appendingPathComponent("mosaicctl").path
        try FileManager.default.copyItem(
            atPath: DaemonProcess.binDirectory.appendingPathComponent("mosaicctl").path, toPath: ctl)
        func asUser(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try Self.run(
                "/usr/sbin/runuser", ["-u", Self.user, "--", ctl, "--socket", daemon.socketPath] + arguments,
                environment: ["PATH": "/usr/bin:/bin"])
        }
        _ = try daemon.client.pause()
        let queued = try daemon.client.submit(SubmitRequest(render: smallRender()))
        let finished = try daemon.client.submit(SubmitRequest(render: smallRender()))
        _ = try daemon.client.cancel(finished.id)
        for arguments in [
            ["cancel", "\(queued.id)"], ["retry", "\(finished.id)"], ["rm", "\(finished.id)"], ["resume"],
        ] {
            let denied = try asUser(arguments)
            #expect(denied.status == 5, "\(arguments): \(denied)")
        }
        // Prune removes only the caller's own jobs: root's stay.
        #expect(try asUser(["prune"]).status == 0)
        #expect(try daemon.client.job(finished.id).state == .canceled)
        #expect(try daemon.client.job(queued.id).state == .queued)
        #expect(try daemon.client.status().paused)
    }

    @Test func privateJobsHideOthersJobsFromReading() throws {
        let uid = try Self.ensureAccount()
        let daemon = try DaemonProcess(extraArguments: ["--socket-group", Self.group, "--private-jobs"])
        defer { daemon.stop() }
        let ctl = daemon.directory.appendingPathComponent("mosaicctl").path
        try FileManager.default.copyItem(
            atPath: DaemonProcess.binDirectory.appendingPathComponent("mosaicctl").path, toPath: ctl)
        func asUser(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try Self.run(
                "/usr/sbin/runuser", ["-u", Self.user, "--", ctl, "--socket", daemon.socketPath] + arguments,
                environment: ["PATH": "/usr/bin:/bin"])
        }
        _ = try daemon.client.pause()
        let mine = try daemon.client.submit(SubmitRequest(render: smallRender()))
        // Read by its owner first, so the daemon caches the answer: a cached answer is still refused.
        #expect(try daemon.client.job(mine.id).id == mine.id)
        for arguments in [["show"], ["log"], ["watch"], ["output", "-o", "-"], ["preview", "-o", "-"]] {
            let verb = arguments[0]
            let denied = try asUser([verb, "\(mine.id)"] + arguments.dropFirst())
            #expect(denied.status == 5, "\(verb): \(denied)")
            #expect(denied.error.contains("read_others_jobs"), "\(verb): \(denied.error)")
        }
        let submitted = try asUser(["submit", "their own", "--width", "128", "--height", "128", "--steps", "2"])
        let theirs = try #require(
            Int64(submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(submitted)")
        // They list and show only their own job.
        let listed = try asUser(["list", "--json"])
        #expect(listed.status == 0, "\(listed.error)")
        #expect(
            listed.output.contains("\"id\":\(theirs)") && !listed.output.contains("\"id\":\(mine.id),"),
            "\(listed.output)")
        #expect(try asUser(["show", "\(theirs)"]).status == 0)
        // Raw API: naming another owner is refused; root still reads everything.
        #expect(try daemon.client.jobs(owner: 0).jobs.map(\.id) == [mine.id])
        #expect(Set(try daemon.client.jobs().jobs.map(\.id)) == [mine.id, theirs])
        #expect(try daemon.client.job(theirs).owner.uid == uid)
    }

    /// A batch is its owner's as its jobs are: another user may read it (unless jobs are private)
    /// but not cancel it; root cancels anybody's.
    @Test func anotherUserCannotCancelOrPrivatelyReadABatch() throws {
        let uid = try Self.ensureAccount()
        for privateJobs in [false, true] {
            let daemon = try DaemonProcess(
                extraArguments: ["--socket-group", Self.group] + (privateJobs ? ["--private-jobs"] : []))
            defer { daemon.stop() }
            let ctl = daemon.directory.appendingPathComponent("mosaicctl").path
            try FileManager.default.copyItem(
                atPath: DaemonProcess.binDirectory.appendingPathComponent("mosaicctl").path, toPath: ctl)
            func asUser(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
                try Self.run(
                    "/usr/sbin/runuser", ["-u", Self.user, "--", ctl, "--socket", daemon.socketPath] + arguments,
                    environment: ["PATH": "/usr/bin:/bin"])
            }
            _ = try daemon.client.pause()
            let mine = try daemon.client.submitBatch(BatchRequest(items: [BatchItem(render: smallRender(), count: 2)]))

            let denied = try asUser(["cancel", "--batch", "\(mine.id)"])
            #expect(denied.status == 5, "\(denied)")
            #expect(denied.error.contains("batch \(mine.id): it belongs to root"), "\(denied.error)")
            #expect(try daemon.client.batch(mine.id).counts["queued"] == 2, "nothing canceled")

            let listed = try asUser(["list", "--batch", "\(mine.id)", "--json"])
            #expect(listed.status == 0, "\(listed.error)")
            #expect(listed.output.isEmpty == privateJobs, "\(listed.output)")
            if privateJobs {
                // (Where jobs are public, watching the paused batch would wait for ever.)
                let watched = try asUser(["watch", "--batch", "\(mine.id)"])
                #expect(watched.status == 5 && watched.error.contains("read_others_jobs"), "\(watched)")
            }

            let submitted = try asUser(["submit", "their own", "--count", "2", "--width", "128", "--height", "128"])
            let theirs = try #require(
                Int64(submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(submitted)")
            #expect(try daemon.client.batch(theirs).owner == Owner(uid: uid, name: Self.user))
            #expect(try asUser(["cancel", "--batch", "\(theirs)"]).status == 0)
            #expect(try daemon.client.batch(theirs).counts["canceled"] == 2)
            #expect(try daemon.client.cancelBatch(mine.id).canceled == mine.jobIds, "root cancels anybody's")
        }
    }
}
