import Foundation
import MosaicTestSupport
import Testing

/// mosaicctl's exit statuses for usage errors and an absent daemon, from the built binary.
@Suite struct CtlUsageTests {
    static let usageErrors: [([String], String)] = [
        (["list", "--bogus"], "Unknown option"),
        (["frobnicate"], "frobnicate"),
        (["submit"], "prompt"),
        (["submit", "x", "--prompt", "y"], "once"),
        (["submit", "x", "--lossless", "--quality", "50"], "exclude"),
        (["submit", "x", "--priority", "101"], "priority"),
        (["submit", "x", "--width", "wide"], "width"),
        (["submit", "x", "--guidance", "nan"], "guidance"),
        (["show", "seven"], "seven"),
        (["cancel"], "ids"),
        (["list", "--limit", "0"], "limit"),
        (["list", "--all", "--limit", "5"], "exclude"),
        (["list", "--state", "sleeping"], "sleeping"),
        (["prune", "--older-than", "7x"], "7x"),
        (["prune", "--state", "running"], "finished"),
        (["output", "3"], "output"),
        (["status", "--timeout", "0"], "timeout"),
        (["submit", "x", "--strength", "1.5"], "strength"),
        (["submit", "x", "--init-image", "/nonexistent/photo.png"], "cannot read /nonexistent/photo.png"),
        (["images", "rm"], "ids"),
        (["images", "show", "three"], "three"),
    ]

    @Test(arguments: usageErrors)
    func usageErrorsExit2WithOneLine(arguments: [String], needle: String) throws {
        let result = try CtlRunner.run(arguments + ["--socket", "/nonexistent/mosaicd.sock"])
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("mosaicctl: "), "\(arguments): \(result.stderr)")
        #expect(result.stderr.lowercased().contains(needle.lowercased()), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [
        ["status"], ["list"], ["show", "3"], ["watch", "3"], ["cancel", "3", "4"], ["submit", "x"],
        ["--socket", "/nonexistent/elsewhere.sock", "models"],
    ])
    func unreachableDaemonExits3(arguments: [String]) throws {
        let result = try CtlRunner.run(
            arguments + (arguments.contains("--socket") ? [] : ["--socket", "/nonexistent/mosaicd.sock"]))
        #expect(result.status == 3, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("mosaicctl: "))
        #expect(result.stderr.contains("cannot reach mosaicd at /nonexistent/"))
        #expect(result.stdout.isEmpty)
    }

    @Test func socketComesFromTheEnvironmentWhenNotGiven() throws {
        let result = try CtlRunner.run(["status"], socket: "/nonexistent/from-env.sock")
        #expect(result.status == 3 && result.stderr.contains("/nonexistent/from-env.sock"))
    }

    @Test func helpReadsLikeAManPageAndExits0() throws {
        let root = try CtlRunner.run(["--help"])
        #expect(root.status == 0)
        #expect(root.stdout.contains("EXIT STATUS") && root.stdout.contains("submit") && root.stdout.contains("prune"))
        for verb in [
            "submit", "list", "show", "watch", "cancel", "retry", "rm", "prune", "pause", "resume", "status",
            "output", "preview", "models", "log", "images",
        ] {
            let help = try CtlRunner.run(["help", verb])
            #expect(help.status == 0, "\(verb)")
            #expect(help.stdout.contains("OVERVIEW:") && help.stdout.contains("EXAMPLES"), "\(verb)")
        }
        let submit = try CtlRunner.run(["submit", "--help"])
        for option in [
            "--negative-prompt", "--model", "--width", "--height", "--steps", "--sampler", "--guidance",
            "--seed", "--tiling", "--tile-size", "--tile-overlap", "--tile-weighting", "--lossless",
            "--quality", "--priority", "--wait", "--init-image", "--strength",
        ] {
            #expect(submit.stdout.contains(option), "\(option)")
        }
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try CtlRunner.run(["--generate-completion-script", shell])
            #expect(result.status == 0 && result.stdout.contains("mosaicctl"), "\(shell)")
        }
    }
}
