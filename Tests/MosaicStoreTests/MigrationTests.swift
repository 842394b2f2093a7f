import Foundation
import GRDB
import MosaicAPI
import Testing

@testable import MosaicStore

/// A row written with each schema version's own SQL, keyed by the last migration applied.
/// A new migration needs an entry here, so the upgrade test covers it.
private let seedRows: [String: String] = [
    "0001_init": """
    INSERT INTO jobs (id, state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, checkpoint_step)
    VALUES (7, 'running', 3, 1000, 'alice', 'an old job', 'builtin', 512, 512, 30, 'euler', -1,
            'overlap', 1, 1700000000123, 1700000001000, 12);
    INSERT INTO job_logs (job_id, time_ms, level, message) VALUES (7, 1700000001000, 'info', 'started');
    UPDATE settings SET value = '1' WHERE key = 'queue_paused';
    """,
    "0002_resume_tracking": """
    INSERT INTO jobs (id, state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, checkpoint_step,
                      resume_step, stalled_resumes)
    VALUES (7, 'running', 3, 1000, 'alice', 'an old job', 'builtin', 512, 512, 30, 'euler', -1,
            'overlap', 1, 1700000000123, 1700000001000, 12, 12, 1);
    INSERT INTO job_logs (job_id, time_ms, level, message) VALUES (7, 1700000001000, 'info', 'started');
    UPDATE settings SET value = '1' WHERE key = 'queue_paused';
    """,
    "0003_job_log_events": """
    INSERT INTO jobs (id, state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, checkpoint_step,
                      resume_step, stalled_resumes)
    VALUES (7, 'running', 3, 1000, 'alice', 'an old job', 'builtin', 512, 512, 30, 'euler', -1,
            'overlap', 1, 1700000000123, 1700000001000, 12, 12, 1);
    INSERT INTO job_logs (job_id, time_ms, level, message, event)
    VALUES (7, 1700000001000, 'info', 'started', '{"attempt":1,"kind":"attempt_started","threads":2}');
    UPDATE settings SET value = '1' WHERE key = 'queue_paused';
    """,
    "0004_images": """
    INSERT INTO images (id, owner_uid, owner_name, width, height, format, digest, bytes, created_at_ms)
    VALUES (3, 1000, 'alice', 640, 480, 'png', 'ab12', 1234, 1700000000000);
    INSERT INTO jobs (id, state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, checkpoint_step,
                      resume_step, stalled_resumes, init_image, strength)
    VALUES (7, 'running', 3, 1000, 'alice', 'an old job', 'builtin', 512, 512, 30, 'euler', -1,
            'overlap', 1, 1700000000123, 1700000001000, 12, 12, 1, 3, 0.5);
    INSERT INTO job_logs (job_id, time_ms, level, message, event)
    VALUES (7, 1700000001000, 'info', 'started', '{"attempt":1,"kind":"attempt_started","threads":2}');
    UPDATE settings SET value = '1' WHERE key = 'queue_paused';
    """,
    "0005_batches": """
    INSERT INTO images (id, owner_uid, owner_name, width, height, format, digest, bytes, created_at_ms)
    VALUES (3, 1000, 'alice', 640, 480, 'png', 'ab12', 1234, 1700000000000);
    INSERT INTO batches (id, owner_uid, owner_name, created_at_ms) VALUES (3, 1000, 'alice', 1700000000123);
    INSERT INTO jobs (id, state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, checkpoint_step,
                      resume_step, stalled_resumes, batch_id, init_image, strength)
    VALUES (7, 'running', 3, 1000, 'alice', 'an old job', 'builtin', 512, 512, 30, 'euler', -1,
            'overlap', 1, 1700000000123, 1700000001000, 12, 12, 1, 3, 3, 0.5);
    INSERT INTO job_logs (job_id, time_ms, level, message, event)
    VALUES (7, 1700000001000, 'info', 'started', '{"attempt":1,"kind":"attempt_started","threads":2}');
    UPDATE settings SET value = '1' WHERE key = 'queue_paused';
    """,
    "0006_staged_renders": """
    INSERT INTO images (id, owner_uid, owner_name, width, height, format, digest, bytes, created_at_ms)
    VALUES (3, 1000, 'alice', 640, 480, 'png', 'ab12', 1234, 1700000000000);
    INSERT INTO batches (id, owner_uid, owner_name, created_at_ms) VALUES (3, 1000, 'alice', 1700000000123);
    INSERT INTO jobs (id, state, priority, owner_uid, owner_name, prompt, model, width, height, steps,
                      sampler, seed, tiling, attempts, created_at_ms, started_at_ms, checkpoint_step,
                      resume_step, stalled_resumes, batch_id, stages, strengths, upscaler, progress_step,
                      progress_steps, tiles_done, tiles_total, elapsed_seconds, progress_stage, progress_stages,
                      progress_phase, resume_position, init_image, strength)
    VALUES (7, 'running', 3, 1000, 'alice', 'an old job', 'builtin', 512, 512, 30, 'euler', -1,
            'overlap', 1, 1700000000123, 1700000001000, 12, 12, 1, 3, '256,512', '1,0.5', 'lanczos', 3, 15,
            0, 4, 1.5, 1, 2, 'decode', 99, 3, 0.5);
    INSERT INTO job_logs (job_id, time_ms, level, message, event)
    VALUES (7, 1700000001000, 'info', 'started', '{"attempt":1,"kind":"attempt_started","threads":2}');
    UPDATE settings SET value = '1' WHERE key = 'queue_paused';
    """,
]

@Suite struct MigrationTests {
    @Test func migratesAnEmptyDatabase() throws {
        let directory = try TemporaryDirectory()
        let store = try JobStore(path: directory.path("empty.sqlite"))
        let applied = try store.pool.read { db in try StoreSchema.migrator().appliedMigrations(db) }
        #expect(applied == StoreSchema.identifiers)
        #expect(try store.counts() == [.queued: 0, .running: 0, .succeeded: 0, .failed: 0, .canceled: 0])
        #expect(try store.isPaused() == false)
    }

    /// Every version from the empty file (0) to the current one: build it by applying only the
    /// first k migrations, write a row with that version's SQL, then open it with JobStore.
    @Test(arguments: 0...EmbeddedMigrations.all.count)
    func upgradesADatabaseFromVersion(_ version: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v\(version).sqlite")
        do {
            // A plain rollback-journal queue, as an older daemon or the sqlite3 shell leaves it.
            let queue = try DatabaseQueue(path: path)
            if version > 0 {
                let last = StoreSchema.identifiers[version - 1]
                try StoreSchema.migrator().migrate(queue, upTo: last)
                let seed = try #require(seedRows[last], "add a seed row for migration \(last)")
                try queue.write { db in try db.execute(sql: seed) }
            }
            try queue.close()
        }
        let store = try JobStore(path: path)
        #expect(try store.pool.read { db in try StoreSchema.migrator().hasCompletedMigrations(db) })
        if version > 0 {
            let job = try #require(try store.job(id: 7))
            #expect(job.state == .running && job.priority == 3 && job.attempts == 1)
            #expect(job.owner == Owner(uid: 1000, name: "alice"))
            #expect(job.render.prompt == "an old job" && job.render.seed == UInt64.max)
            #expect(job.createdAt == Date(timeIntervalSince1970: 1_700_000_000.123))
            #expect(job.checkpointStep == 12)
            // Jobs from before 0004 have no init image; later ones keep theirs and its strength.
            let hasImages = StoreSchema.identifiers[version - 1] >= "0004_images"
            #expect(job.render.initImage == (hasImages ? 3 : nil) && job.render.strength == (hasImages ? 0.5 : nil))
            #expect(try store.image(id: 3)?.owner.name == (hasImages ? "alice" : nil))
            #expect(try store.log(id: 7).map(\.message) == ["started"])
            // Lines written before 0003 have no event; later ones keep theirs.
            let hasEvents = StoreSchema.identifiers[version - 1] >= "0003_job_log_events"
            #expect(try store.log(id: 7).map(\.event) == [hasEvents ? .attemptStarted(attempt: 1, threads: 2) : nil])
            if StoreSchema.identifiers[version - 1] >= "0006_staged_renders" {
                #expect(job.render.stages == .sides([256, 512]) && job.render.strengths == [1, 0.5])
                #expect(job.render.upscaler == "lanczos")
                #expect(job.progress?.stage == 1 && job.progress?.stages == 2 && job.progress?.phase == .decode)
            }
            #expect(try store.isPaused())
            // Jobs from before 0005 belong to no batch.
            let inBatch = StoreSchema.identifiers[version - 1] >= "0005_batches"
            #expect(job.batchId == (inBatch ? 3 : nil))
            #expect(try store.batch(id: 3)?.jobIds == (inBatch ? [7] : nil))
            // The upgraded file keeps working: new ids follow the old ones.
            let next = try store.submit(StoreFixture.spec(), priority: 0, owner: StoreFixture.bob, now: Date())
            #expect(next.id == 8)
        } else {
            #expect(try store.counts().values.allSatisfy { $0 == 0 })
        }
    }

    @Test func reopeningKeepsEverything() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("reopen.sqlite")
        let submitted: Job
        do {
            let store = try JobStore(path: path)
            submitted = try store.submit(
                StoreFixture.spec(), priority: 2, owner: StoreFixture.alice,
                now: Date(timeIntervalSince1970: 1_750_000_000.5))
            try store.setPaused(true)
        }
        let store = try JobStore(path: path)
        #expect(try store.job(id: submitted.id) == submitted)
        #expect(try store.isPaused())
    }

    @Test func walModeAndForeignKeysAreOn() throws {
        let fixture = try StoreFixture()
        let (journal, foreignKeys, synchronous) = try fixture.store.pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == true)
        #expect(synchronous == 1)  // NORMAL
        let readerForeignKeys = try fixture.store.pool.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(readerForeignKeys == true)
    }

    @Test func refusesADatabaseFromANewerStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("newer.sqlite")
        do {
            let store = try JobStore(path: path)
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_future')")
            }
        }
        #expect(throws: StoreError.schemaTooNew(path: path, unknownMigrations: ["9999_future"])) {
            try JobStore(path: path)
        }
    }

    @Test func schemaRejectsImpossibleRows() throws {
        let fixture = try StoreFixture()
        let job = try fixture.make(.queued)
        // A running job without a start time, an unknown state, an orphan log line, an event that is not JSON.
        for sql in [
            "INSERT INTO jobs (state, owner_uid, owner_name, prompt, created_at_ms) VALUES ('running', 1, 'a', 'p', 0)",
            "INSERT INTO jobs (state, owner_uid, owner_name, prompt, created_at_ms) VALUES ('paused', 1, 'a', 'p', 0)",
            "INSERT INTO job_logs (job_id, time_ms, level, message) VALUES (12345, 0, 'info', 'orphan')",
            "INSERT INTO job_logs (job_id, time_ms, level, message, event) VALUES (\(job.id), 0, 'info', 'x', 'not json')",
        ] {
            #expect(throws: DatabaseError.self) { try fixture.store.pool.write { db in try db.execute(sql: sql) } }
        }
    }
}
