-- 0001_init: the job queue, per-job logs and queue-wide settings.
--
-- Conventions
--   * Times are INTEGER milliseconds since the Unix epoch (UTC): exact to the millisecond,
--     ordered, and readable with datetime(x / 1000, 'unixepoch').
--   * Every render parameter is its own column (NULL = "not given"; the daemon fills defaults
--     before submitting), so jobs can be searched by prompt, model, size, sampler or seed.
--   * seed holds the UInt64 seed's bit pattern as a signed 64-bit integer, because SQLite
--     integers are signed: seeds >= 2^63 read back negative in plain SQL.
--   * owner_uid and canceled_by_uid are the peer's uid_t (0 ... 2^32-1).

CREATE TABLE jobs (
    -- AUTOINCREMENT: ids are never reused after a job is removed, so an id a client holds,
    -- or one that names an output file, never comes to mean another job.
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    state               TEXT    NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    priority            INTEGER NOT NULL DEFAULT 0,
    owner_uid           INTEGER NOT NULL CHECK (owner_uid BETWEEN 0 AND 4294967295),
    owner_name          TEXT    NOT NULL,

    -- The render (RenderSpec).
    prompt              TEXT    NOT NULL,
    negative_prompt     TEXT,
    model               TEXT,
    width               INTEGER,
    height              INTEGER,
    steps               INTEGER,
    sampler             TEXT,
    guidance            REAL,
    seed                INTEGER,
    tiling              TEXT,
    tile_size           INTEGER,
    tile_overlap        INTEGER,
    tile_weighting      TEXT,
    lossless            INTEGER CHECK (lossless IN (0, 1)),
    quality             REAL,

    -- The life cycle.
    attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at_ms       INTEGER NOT NULL,
    started_at_ms       INTEGER,
    finished_at_ms      INTEGER,

    -- Progress of the current or last attempt; progress_step IS NULL means none yet.
    progress_step       INTEGER,
    progress_steps      INTEGER,
    tiles_done          INTEGER,
    tiles_total         INTEGER,
    elapsed_seconds     REAL,
    eta_seconds         REAL,

    -- Crash recovery: the last step whose checkpoint is durable, and how many attempts
    -- started from a checkpoint rather than from noise.
    checkpoint_step     INTEGER,
    resume_count        INTEGER NOT NULL DEFAULT 0 CHECK (resume_count >= 0),

    -- The outcome.
    error               TEXT,
    canceled_by_uid     INTEGER CHECK (canceled_by_uid BETWEEN 0 AND 4294967295),
    canceled_by_name    TEXT,
    output_path         TEXT,

    -- Invariants the store relies on; a violation is a bug, caught at the write.
    CHECK (state <> 'running' OR started_at_ms IS NOT NULL),
    CHECK ((state IN ('succeeded', 'failed', 'canceled')) = (finished_at_ms IS NOT NULL)),
    CHECK ((canceled_by_uid IS NULL) = (canceled_by_name IS NULL))
);

-- claimNext: the queued job with the highest priority, then the oldest.
CREATE INDEX jobs_claim_order ON jobs (state, priority DESC, id);

-- Listing newest first, filtered by state (one range per state; the store merges them).
-- Also serves counts() (GROUP BY state) and prune (state, then age).
CREATE INDEX jobs_state_id ON jobs (state, id);

-- Listing newest first for one owner, optionally filtered by state.
CREATE INDEX jobs_owner_state_id ON jobs (owner_uid, state, id);

CREATE TABLE job_logs (
    id                  INTEGER PRIMARY KEY,
    job_id              INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    time_ms             INTEGER NOT NULL,
    level               TEXT    NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    message             TEXT    NOT NULL
);

-- A job's log in order; also makes the ON DELETE CASCADE a lookup instead of a scan.
CREATE INDEX job_logs_job_id ON job_logs (job_id, id);

-- Queue-wide settings that must survive a restart.
CREATE TABLE settings (
    key                 TEXT PRIMARY KEY NOT NULL,
    value               TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO settings (key, value) VALUES ('queue_paused', '0');
