-- Resume bookkeeping for crash-proof renders: where the last resume started, how often the job
-- resumed at that same step without getting further (a crash loop fails the job after a few),
-- and what the last resume recovered and lost, for `mosaicctl show`.
ALTER TABLE jobs ADD COLUMN resume_step INTEGER CHECK (resume_step IS NULL OR resume_step >= 0);
ALTER TABLE jobs ADD COLUMN stalled_resumes INTEGER NOT NULL DEFAULT 0 CHECK (stalled_resumes >= 0);
ALTER TABLE jobs ADD COLUMN last_resume_reused_tiles INTEGER;
ALTER TABLE jobs ADD COLUMN last_resume_lost_steps INTEGER;
ALTER TABLE jobs ADD COLUMN last_resume_note TEXT;
