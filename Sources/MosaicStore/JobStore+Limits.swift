import GRDB
import MosaicAPI

extension JobStore {
    /// Throws `queueFull` when `adding` more queued jobs would exceed `maxQueuedPerOwner` of
    /// `owner`'s or `maxQueued` in all; run inside the write transaction that queues them.
    static func checkQueueLimits(
        _ db: Database, owner: Owner, maxQueued: Int?, maxQueuedPerOwner: Int?, adding: Int = 1
    ) throws {
        if let maxQueuedPerOwner {
            let queued =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND owner_uid = ?",
                    arguments: [owner.uid]) ?? 0
            if queued + adding > maxQueuedPerOwner {
                throw adding == 1
                    ? StoreError.queueFull(queued: queued, limit: maxQueuedPerOwner, owner: owner.name)
                    : StoreError.batchOverQueueLimit(
                        batch: adding, queued: queued, limit: maxQueuedPerOwner, owner: owner.name)
            }
        }
        if let maxQueued {
            let queued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE state = 'queued'") ?? 0
            if queued + adding > maxQueued {
                throw adding == 1
                    ? StoreError.queueFull(queued: queued, limit: maxQueued, owner: nil)
                    : StoreError.batchOverQueueLimit(batch: adding, queued: queued, limit: maxQueued, owner: nil)
            }
        }
    }
}
