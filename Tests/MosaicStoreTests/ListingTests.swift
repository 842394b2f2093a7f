import Foundation
import MosaicAPI
import Testing

@testable import MosaicStore

@Suite struct ListingTests {
    /// 300 jobs from three owners in every state, made through the store's transitions.
    static func populate() throws -> (StoreFixture, [Job]) {
        let fixture = try StoreFixture()
        let store = fixture.store
        let owners = [StoreFixture.alice, StoreFixture.bob, Owner(uid: 0, name: "root")]
        for index in 0..<300 {
            let job = try store.submit(
                StoreFixture.spec("job \(index)"), priority: 0, owner: owners[index % 3],
                now: fixture.tick())
            if index % 7 == 3 { _ = try store.cancelQueued(id: job.id, by: owners[0], now: fixture.tick()) }
        }
        // Claim the oldest 150 and end most of them, leaving a few running.
        for index in 0..<150 {
            let job = try #require(try store.claimNext(now: fixture.tick()))
            switch index % 4 {
            case 0: _ = try store.finish(id: job.id, state: .failed, error: "e", now: fixture.tick())
            case 1, 2: _ = try store.finish(id: job.id, state: .succeeded, outputPath: "/o", now: fixture.tick())
            default: break
            }
        }
        let all = try store.list(limit: 1_000)
        #expect(all.nextBefore == nil)
        return (fixture, all.jobs)
    }

    /// Every page of a listing, following `nextBefore`.
    static func pages(_ store: JobStore, states: Set<JobState>?, owner: UInt32?, limit: Int) throws -> [JobPage] {
        var pages: [JobPage] = []
        var before: Int64?
        repeat {
            let page = try store.list(states: states, ownerUID: owner, limit: limit, before: before)
            pages.append(page)
            before = page.nextBefore
        } while before != nil && pages.count < 1_000
        return pages
    }

    @Test func paginatesNewestFirstWithFilters() throws {
        let (fixture, all) = try Self.populate()
        #expect(all.count == 300)
        #expect(all.map(\.id) == all.map(\.id).sorted(by: >))
        #expect(Set(all.map(\.state)) == Set(JobState.allCases))

        let filters: [(Set<JobState>?, UInt32?)] = [
            (nil, nil), ([.queued], nil), ([.failed, .canceled], nil), ([.running, .succeeded, .queued], nil),
            (nil, 1001), ([.succeeded], 0), ([.failed, .canceled], 1000), (Set(JobState.allCases), 1001),
            ([.running], 4242),
        ]
        for (states, owner) in filters {
            let expected = all.filter { job in
                (states?.contains(job.state) ?? true) && (owner.map { $0 == job.owner.uid } ?? true)
            }
            for limit in [1, 7, 50, 500] {
                let pages = try Self.pages(fixture.store, states: states, owner: owner, limit: limit)
                let context =
                    "states \(states.map { $0.map(\.rawValue).sorted() } ?? []), owner \(owner.map(String.init) ?? "any"), limit \(limit)"
                #expect(pages.flatMap(\.jobs) == expected, "\(context)")
                #expect(pages.allSatisfy { $0.jobs.count <= limit }, "\(context)")
                #expect(pages.dropLast().allSatisfy { $0.jobs.count == limit }, "\(context)")
                #expect(pages.last?.nextBefore == nil, "\(context)")
                #expect(pages.count == max(1, (expected.count + limit - 1) / limit), "\(context)")
            }
        }
        #expect(try fixture.store.list(states: [], limit: 10) == JobPage(jobs: [], nextBefore: nil))
        #expect(throws: StoreError.invalidArgument("page size must be positive, not 0")) {
            try fixture.store.list(limit: 0)
        }
    }

    @Test func partialPagesAreTheSamePagesWithOnlyTheRowsAskedFor() throws {
        let (fixture, _) = try Self.populate()
        let store = fixture.store
        let filters: [(Set<JobState>?, UInt32?)] = [
            (nil, nil), ([.queued], nil), ([.failed, .canceled], 1000), (nil, 1001),
        ]
        for (states, owner) in filters {
            for limit in [1, 7, 50] {
                for before in [nil, Int64(200), Int64(3)] {
                    let page = try store.list(states: states, ownerUID: owner, limit: limit, before: before)
                    var asked: [Int64] = []
                    let partial = try store.listPage(states: states, ownerUID: owner, limit: limit, before: before) {
                        id in
                        asked.append(id)
                        return id % 3 == 0
                    }
                    let context =
                        "states \(states.map { $0.map(\.rawValue).sorted() } ?? []), owner \(owner.map(String.init) ?? "any"), limit \(limit), before \(before.map(String.init) ?? "-")"
                    #expect(partial.ids == page.jobs.map(\.id), "\(context)")
                    #expect(partial.nextBefore == page.nextBefore, "\(context)")
                    #expect(asked == partial.ids, "\(context)")
                    #expect(
                        partial.rows.values.sorted { $0.id > $1.id } == page.jobs.filter { $0.id % 3 == 0 },
                        "\(context)")
                }
            }
        }
        #expect(try store.listPage(states: [], limit: 10) { _ in true }.ids.isEmpty)
    }

    @Test func countsEveryState() throws {
        let (fixture, all) = try Self.populate()
        let counts = try fixture.store.counts()
        #expect(counts.keys.count == JobState.allCases.count)
        for state in JobState.allCases {
            #expect(counts[state] == all.filter { $0.state == state }.count, "\(state)")
        }
        #expect(try fixture.store.jobs(in: .running).count == counts[.running])
    }
}
