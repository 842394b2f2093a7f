-- Placeholder schema; the store issue replaces it.
CREATE TABLE IF NOT EXISTS mosaic_placeholder (id INTEGER PRIMARY KEY);
