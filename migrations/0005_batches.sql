-- Batches: the jobs of one submission (`mosaicctl submit --count`, `--prompts`) share a batch,
-- created with them in one transaction, so that `list`, `watch` and `cancel` can take them together.
-- A batch row never changes after its insert; it is deleted with its last job, so removing or
-- pruning jobs leaves no empty batches behind.
CREATE TABLE batches (
    -- AUTOINCREMENT, as for jobs: an id a client holds never comes to mean another batch.
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_uid           INTEGER NOT NULL CHECK (owner_uid BETWEEN 0 AND 4294967295),
    owner_name          TEXT    NOT NULL,
    created_at_ms       INTEGER NOT NULL
);

-- NULL for a job submitted on its own.
ALTER TABLE jobs ADD COLUMN batch_id INTEGER REFERENCES batches (id);

-- A batch's jobs, newest first (listing with ?batch=, counting by state, canceling).
CREATE INDEX jobs_batch_id ON jobs (batch_id, id) WHERE batch_id IS NOT NULL;

CREATE TRIGGER batches_delete_empty AFTER DELETE ON jobs
WHEN OLD.batch_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM jobs WHERE batch_id = OLD.batch_id)
BEGIN
    DELETE FROM batches WHERE id = OLD.batch_id;
END;
