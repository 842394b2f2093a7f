import GRDB
import MosaicAPI

extension JobStore {
    /// Throws `queueFull` when one more queued job would exceed `maxQueuedPerOwner` of
    /// `owner`'s or `maxQueued` in all; run inside the write transaction that queues it.
    static func checkQueueLimits(_ db: Database, owner: Owner, maxQueued: Int?, maxQueuedPerOwner: Int?) throws {
        if let maxQueuedPerOwner {
            let queued =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND owner_uid = ?",
                    arguments: [owner.uid]) ?? 0
            if queued >= maxQueuedPerOwner {
                throw StoreError.queueFull(queued: queued, limit: maxQueuedPerOwner, owner: owner.name)
            }
        }
        if let maxQueued {
            let queued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE state = 'queued'") ?? 0
            if queued >= maxQueued { throw StoreError.queueFull(queued: queued, limit: maxQueued, owner: nil) }
        }
    }
}
