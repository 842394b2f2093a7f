import Foundation
import MosaicAPI
import MosaicStore
import Testing

@testable import MosaicDaemon

/// Cached bodies are given back only while the jobs in them are unchanged in the real store, and
/// the cache stays within its bounds.
struct ResponseCacheTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "mosaic-responses-\(UUID().uuidString)")
    let owner = Owner(uid: 1000, name: "ada")

    func store() throws -> JobStore {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try JobStore(path: directory.appendingPathComponent("mosaic.sqlite").path)
    }

    func submit(_ store: JobStore) throws -> Job {
        try store.submit(
            RenderSpec(prompt: "calm sea", width: 64, height: 64, steps: 4, seed: 1), priority: 0, owner: owner,
            now: Date())
    }

    @Test func aJobIsGivenBackUntilItChanges() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try store()
        let cache = ResponseCache(changes: store.changes)
        let (first, second) = (try submit(store), try submit(store))
        for job in [first, second] {
            let generation = cache.generation
            cache.cache(job, body: Array("job \(job.id)".utf8), readAt: generation)
        }
        #expect(cache.job(first.id).map(\.body) == Array("job \(first.id)".utf8))
        #expect(cache.job(first.id)?.job == first)

        _ = try store.cancelQueued(id: first.id, by: owner, now: Date())
        #expect(cache.job(first.id) == nil)
        #expect(cache.job(second.id).map(\.body) == Array("job \(second.id)".utf8))
    }

    @Test func aReadThatRacesACommitIsNotCachedAsFresh() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try store()
        let cache = ResponseCache(changes: store.changes)
        let job = try submit(store)
        // The generation is taken, then the job changes before the (older) read is cached.
        let generation = cache.generation
        _ = try store.cancelQueued(id: job.id, by: owner, now: Date())
        cache.cache(job, body: Array("queued".utf8), readAt: generation)
        #expect(cache.job(job.id) == nil)
    }

    @Test func aListingTakesOnlyJobsCachedBeforeItsReadAndUnchanged() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try store()
        let cache = ResponseCache(changes: store.changes)
        let (first, second) = (try submit(store), try submit(store))
        let cached = cache.generation
        cache.cache(first, body: Array("first\n".utf8), readAt: cached)
        cache.cache(second, body: Array("second\n".utf8), readAt: cached)
        #expect(cache.json(of: first.id, cachedBy: cached).map(Array.init) == Array("first".utf8))
        // A listing whose read began before these were cached cannot take them.
        #expect(cache.json(of: first.id, cachedBy: cached - 1) == nil)
        _ = try store.cancelQueued(id: first.id, by: owner, now: Date())
        #expect(cache.json(of: first.id, cachedBy: cache.generation) == nil)
        #expect(cache.json(of: second.id, cachedBy: cache.generation).map(Array.init) == Array("second".utf8))
    }

    @Test func aListingIsGivenBackUntilAnyJobChanges() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try store()
        let cache = ResponseCache(changes: store.changes)
        _ = try submit(store)
        cache.cache(page: "newest 50", body: Array("page".utf8), readAt: cache.generation)
        #expect(cache.page("newest 50") == Array("page".utf8))
        #expect(cache.page("newest 10") == nil)
        _ = try submit(store)
        #expect(cache.page("newest 50") == nil)
    }

    @Test func cachedListingsAreBounded() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try store()
        let cache = ResponseCache(changes: store.changes, pageCapacity: 2)
        for limit in 1...3 { cache.cache(page: "limit \(limit)", body: [UInt8(limit)], readAt: cache.generation) }
        #expect(cache.page("limit 1") == nil && cache.page("limit 2") == nil)
        #expect(cache.page("limit 3") == [3])
    }

    @Test func cachedJobsAreBounded() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try store()
        let cache = ResponseCache(changes: store.changes, capacity: 3)
        let jobs = try (1...10).map { _ in try submit(store) }
        for job in jobs { cache.cache(job, body: Array("job \(job.id)".utf8), readAt: cache.generation) }
        let given = jobs.filter { cache.job($0.id) != nil }
        #expect(
            given.count <= 3 && given.count >= 1, "\(given.count) of 10 jobs are still given back with a capacity of 3")
        #expect(given.last?.id == jobs.last?.id, "the newest job stays")
    }
}
