-- Uploaded images (POST /v1/images). The decoded, upright pixels are stored once per digest as
-- lossless WebP in the state directory's images/<digest>.webp; a row is one upload of them.
-- AUTOINCREMENT: an id is never reused, so a removed image's id cannot come to name another's.
CREATE TABLE images (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_uid INTEGER NOT NULL,
    owner_name TEXT NOT NULL,
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    format TEXT NOT NULL,
    digest TEXT NOT NULL,
    bytes INTEGER NOT NULL CHECK (bytes >= 0),
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX images_by_owner ON images (owner_uid, id);
CREATE INDEX images_by_digest ON images (digest);

-- Image-to-image: the job's init image and strength. The reference keeps an image while a job
-- names it (the daemon answers 409 first; the foreign key is the last word).
ALTER TABLE jobs ADD COLUMN init_image INTEGER REFERENCES images (id);
ALTER TABLE jobs ADD COLUMN strength REAL;
CREATE INDEX jobs_by_init_image ON jobs (init_image) WHERE init_image IS NOT NULL;
