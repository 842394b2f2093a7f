import Foundation
import MosaicAPI

@testable import MosaicStore

/// A fresh directory under the system's temporary directory, deleted with the fixture.
final class TemporaryDirectory {
    /// The directory.
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "mosaic-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { url.appending(path: name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A store on a real SQLite file in a temporary directory, and helpers to put jobs in states.
final class StoreFixture {
    let directory: TemporaryDirectory
    let store: JobStore
    /// A clock the tests advance by hand, on whole milliseconds so times compare exactly.
    var now = Date(timeIntervalSince1970: 1_750_000_000.125)

    static let alice = Owner(uid: 1000, name: "alice")
    static let bob = Owner(uid: 1001, name: "bob")

    init() throws {
        directory = try TemporaryDirectory()
        store = try JobStore(path: directory.path("mosaic.sqlite"))
    }

    /// The database file.
    var path: String { store.path }

    /// Advances the clock.
    func tick(_ seconds: Double = 1) -> Date {
        now += seconds
        return now
    }

    /// A small render spec.
    static func spec(_ prompt: String = "a lighthouse at dusk", seed: UInt64? = 42) -> RenderSpec {
        RenderSpec(
            prompt: prompt, model: "builtin", width: 1024, height: 768, steps: 20, sampler: "euler",
            seed: seed, tiling: "overlap")
    }

    /// A job in `state`, made through the store's own transitions.
    ///
    /// Running jobs get a priority above every queued job the fixture makes, so `claimNext`
    /// picks the one just submitted.
    func make(_ state: JobState, owner: Owner = StoreFixture.alice) throws -> Job {
        let queued = try store.submit(Self.spec(), priority: state == .queued ? 0 : 1_000, owner: owner, now: tick())
        switch state {
        case .queued:
            return queued
        case .canceled:
            return try store.cancelQueued(id: queued.id, by: owner, now: tick())
        case .running, .succeeded, .failed:
            let running = try store.claimNext(now: tick())
            guard let running, running.id == queued.id else { throw FixtureError.claimedAnotherJob(running?.id) }
            guard state != .running else { return running }
            return try store.finish(
                id: running.id, state: state, error: state == .failed ? "out of memory" : nil,
                outputPath: state == .succeeded ? "/outputs/\(running.id).webp" : nil, now: tick())
        }
    }

    enum FixtureError: Error { case claimedAnotherJob(Int64?) }
}
