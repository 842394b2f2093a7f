-- Staged renders: the stages a job takes (sides of the long edge in px, comma-separated, or
-- 'none'), each stage's strength (comma-separated), and the upscaler between stages; where a
-- running job is (its stage and phase: denoise, encode or decode); and how far its last resume
-- got (a number that grows with every step, stage and journaled decode tile), which the
-- crash-loop guard compares instead of the step alone.
ALTER TABLE jobs ADD COLUMN stages TEXT;
ALTER TABLE jobs ADD COLUMN strengths TEXT;
ALTER TABLE jobs ADD COLUMN upscaler TEXT;
ALTER TABLE jobs ADD COLUMN progress_stage INTEGER;
ALTER TABLE jobs ADD COLUMN progress_stages INTEGER;
ALTER TABLE jobs ADD COLUMN progress_phase TEXT;
ALTER TABLE jobs ADD COLUMN resume_position INTEGER;
