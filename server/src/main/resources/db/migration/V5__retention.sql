-- A project's retention policy: which finished executions are kept when executions end or the policy is applied.
-- NULL keep_last / keep_days: that rule is not in use; a project without a row (or with neither rule) keeps everything.
-- updated_by: the user whose storage credentials delete data that the deleted executions' run tags were the last to use.
CREATE TABLE retention_policies (
    project                 TEXT PRIMARY KEY,
    keep_last               INTEGER,
    keep_days               INTEGER,
    keep_artifact_producers INTEGER NOT NULL DEFAULT 1,
    updated_by              TEXT NOT NULL,
    updated                 TEXT NOT NULL
);

-- Executions being deleted: written before their rows leave the run database and removed once their run folder and
-- run tag are gone too, so that a start after a crash in between finishes exactly those (and touches nothing else).
CREATE TABLE execution_deletions (
    execution   TEXT PRIMARY KEY,
    project     TEXT NOT NULL,
    tag         TEXT,
    started     TEXT NOT NULL
);
