import Foundation
import GRDB
import MosaicAPI

/// Uploaded images' rows (`images`, migration 0004). Their pixels are files the daemon keeps
/// (`images/<digest>.webp`); the store says which digests are still named by a row.
extension JobStore {
    /// Adds the row of an upload whose pixels are stored under `digest`.
    public func insertImage(
        owner: Owner, width: Int, height: Int, format: String, digest: String, bytes: Int, now: Date
    ) throws(StoreError) -> ImageRecord {
        try write("insertImage") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    INSERT INTO images (owner_uid, owner_name, width, height, format, digest, bytes, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *
                    """,
                arguments: [owner.uid, owner.name, width, height, format, digest, bytes, now.millisecondsSince1970])
            guard let row else { throw StoreError.database(operation: "insertImage", message: "no row returned") }
            return try ImageRecord(row: row)
        }
    }

    /// The image with this id, or nil.
    public func image(id: Int64) throws(StoreError) -> ImageRecord? {
        try read("image(id: \(id))") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM images WHERE id = ?", arguments: [id]).map(ImageRecord.init(row:))
        }
    }

    /// The images of `ownerUID` (everyone's when nil), newest first.
    public func images(ownerUID: UInt32?) throws(StoreError) -> [ImageRecord] {
        try read("images") { db in
            let sql = "SELECT * FROM images" + (ownerUID == nil ? "" : " WHERE owner_uid = ?") + " ORDER BY id DESC"
            let arguments: StatementArguments = ownerUID.map { [$0] } ?? []
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(ImageRecord.init(row:))
        }
    }

    /// The ids of the jobs that name image `id` as their init image.
    public func jobsUsingImage(id: Int64) throws(StoreError) -> [Int64] {
        try read("jobsUsingImage(id: \(id))") { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM jobs WHERE init_image = ? ORDER BY id", arguments: [id])
        }
    }

    /// Deletes image `id` unless a job names it (`imageInUse`); returns its row and whether
    /// another row still names its digest (then its file stays).
    public func removeImage(id: Int64) throws(StoreError) -> (image: ImageRecord, digestInUse: Bool) {
        try write("removeImage(id: \(id))") { db in
            let users = try Int64.fetchAll(
                db, sql: "SELECT id FROM jobs WHERE init_image = ? ORDER BY id", arguments: [id])
            guard users.isEmpty else { throw StoreError.imageInUse(id: id, jobs: users) }
            guard let row = try Row.fetchOne(db, sql: "DELETE FROM images WHERE id = ? RETURNING *", arguments: [id])
            else { throw StoreError.imageNotFound(id) }
            let image = try ImageRecord(row: row)
            let others =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM images WHERE digest = ?", arguments: [image.digest]) ?? 0
            return (image, others > 0)
        }
    }

    /// Deletes the images created at or before `olderThan` (any time when nil) that no job names,
    /// of `ownerUID` only when given; returns them and the digests no row names any more.
    public func pruneImages(olderThan: Date?, ownerUID: UInt32?) throws(StoreError) -> (
        removed: [ImageRecord], unusedDigests: Set<String>
    ) {
        try write("pruneImages") { db in
            var sql = "DELETE FROM images WHERE id NOT IN (SELECT init_image FROM jobs WHERE init_image IS NOT NULL)"
            var arguments = StatementArguments()
            if let olderThan {
                sql += " AND created_at_ms <= ?"
                arguments += [olderThan.millisecondsSince1970]
            }
            if let ownerUID {
                sql += " AND owner_uid = ?"
                arguments += [ownerUID]
            }
            let removed = try Row.fetchAll(db, sql: sql + " RETURNING *", arguments: arguments).map(
                ImageRecord.init(row:)
            ).sorted { $0.id < $1.id }
            let remaining = Set(try String.fetchAll(db, sql: "SELECT DISTINCT digest FROM images"))
            return (removed, Set(removed.map(\.digest)).subtracting(remaining))
        }
    }

    /// Every digest some image row names: the files to keep.
    public func imageDigests() throws(StoreError) -> Set<String> {
        try read("imageDigests") { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT digest FROM images")) }
    }
}

extension ImageRecord {
    /// Reads an `images` row.
    init(row: Row) throws {
        self.init(
            id: try row.decode(forColumn: "id"), width: try row.decode(forColumn: "width"),
            height: try row.decode(forColumn: "height"), format: try row.decode(forColumn: "format"),
            digest: try row.decode(forColumn: "digest"), bytes: try row.decode(forColumn: "bytes"),
            owner: Owner(uid: try row.decode(forColumn: "owner_uid"), name: try row.decode(forColumn: "owner_name")),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at_ms")))
    }
}
