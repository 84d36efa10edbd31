-- Job results by content: a job whose key (operation code, attributes, references, input hashes,
-- runtime version) was seen before reuses that job's outputs instead of running.
CREATE TABLE cache (
    key         TEXT PRIMARY KEY,
    execution   TEXT NOT NULL,
    job         TEXT NOT NULL,
    created     TEXT NOT NULL
);
