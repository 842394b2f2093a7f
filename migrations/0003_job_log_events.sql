-- Structured log events: next to its message, a log line may carry the event it records as the
-- API's JSON (`JobLogEvent`: a kind and its fields), so tools read events instead of sentences.
-- Lines written before this migration have none.
ALTER TABLE job_logs ADD COLUMN event TEXT CHECK (event IS NULL OR json_valid(event));
