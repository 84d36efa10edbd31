-- Artifact data belongs to projects: which projects own each stored object (the same bytes uploaded by two
-- projects are owned by both). "location" names the storage (adapter, endpoint, bucket); "record" is the
-- storage record without secrets, enough to open the storage again to delete the object.
CREATE TABLE artifact_data_owners (
    location     TEXT NOT NULL,
    key          TEXT NOT NULL,
    project      TEXT NOT NULL,
    record       TEXT NOT NULL,
    created      TEXT NOT NULL,
    PRIMARY KEY (location, key, project)
);
CREATE INDEX artifact_data_owners_project ON artifact_data_owners(project);

-- One-off tasks done on a data directory (e.g. recording the owners of artifacts made before ownership existed).
CREATE TABLE server_state (
    name         TEXT PRIMARY KEY,
    value        TEXT NOT NULL
);
