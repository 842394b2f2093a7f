import Foundation
import MosaicAPI
import Testing

@testable import MosaicStore

@Suite struct ImageStoreTests {
    func upload(_ fixture: StoreFixture, owner: Owner = StoreFixture.alice, digest: String = "d1") throws -> ImageRecord
    {
        try fixture.store.insertImage(
            owner: owner, width: 64, height: 48, format: "png", digest: digest, bytes: 999, now: fixture.tick())
    }

    @Test func recordsAreOwnedAndListedNewestFirst() throws {
        let fixture = try StoreFixture()
        let first = try upload(fixture)
        let second = try upload(fixture, owner: StoreFixture.bob, digest: "d2")
        let third = try upload(fixture)
        #expect(try fixture.store.image(id: first.id) == first)
        #expect(first.owner == StoreFixture.alice && first.width == 64 && first.digest == "d1" && first.bytes == 999)
        #expect(try fixture.store.images(ownerUID: StoreFixture.alice.uid).map(\.id) == [third.id, first.id])
        #expect(try fixture.store.images(ownerUID: nil).map(\.id) == [third.id, second.id, first.id])
        #expect(try fixture.store.image(id: 999) == nil)
    }

    /// A job keeps its init image until the job is removed; the digest's file is shared.
    @Test func aJobKeepsItsImageUntilRemoved() throws {
        let fixture = try StoreFixture()
        let image = try upload(fixture)
        let twin = try upload(fixture)
        var spec = StoreFixture.spec()
        spec.initImage = image.id
        spec.strength = 0.6
        let job = try fixture.store.submit(spec, priority: 0, owner: StoreFixture.alice, now: fixture.tick())
        #expect(job.render.initImage == image.id && job.render.strength == 0.6)
        #expect(try fixture.store.jobsUsingImage(id: image.id) == [job.id])
        #expect(throws: StoreError.imageInUse(id: image.id, jobs: [job.id])) {
            try fixture.store.removeImage(id: image.id)
        }
        // Not even a prune takes it.
        #expect(try fixture.store.pruneImages(olderThan: nil, ownerUID: nil).removed.map(\.id) == [twin.id])
        _ = try fixture.store.cancelQueued(id: job.id, by: StoreFixture.alice, now: fixture.tick())
        _ = try fixture.store.remove(id: job.id)
        let removed = try fixture.store.removeImage(id: image.id)
        #expect(removed.image == image && !removed.digestInUse)
        #expect(throws: StoreError.imageNotFound(image.id)) { try fixture.store.removeImage(id: image.id) }
    }

    @Test func removingOneOfTwoUploadsKeepsTheSharedDigest() throws {
        let fixture = try StoreFixture()
        let first = try upload(fixture)
        _ = try upload(fixture)
        #expect(try fixture.store.removeImage(id: first.id).digestInUse)
    }

    /// Prune takes unreferenced images at or before the cutoff, of one owner when asked.
    @Test func pruneHonoursAgeAndOwner() throws {
        let fixture = try StoreFixture()
        let old = try upload(fixture, digest: "old")
        let bobs = try upload(fixture, owner: StoreFixture.bob, digest: "bob")
        let cutoff = fixture.tick()
        let recent = try upload(fixture, digest: "recent")
        let pruned = try fixture.store.pruneImages(olderThan: cutoff, ownerUID: StoreFixture.alice.uid)
        #expect(pruned.removed.map(\.id) == [old.id] && pruned.unusedDigests == ["old"])
        #expect(try fixture.store.pruneImages(olderThan: cutoff, ownerUID: nil).removed.map(\.id) == [bobs.id])
        #expect(try fixture.store.images(ownerUID: nil).map(\.id) == [recent.id])
        #expect(try fixture.store.imageDigests() == ["recent"])
    }
}
