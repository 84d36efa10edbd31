-- Run state lives here, never in the versioned project: executions, their jobs, console lines,
-- metrics and plots.
CREATE TABLE executions (
    id          TEXT PRIMARY KEY,
    project     TEXT NOT NULL,
    pipeline    TEXT NOT NULL,
    branch      TEXT NOT NULL,
    commit_id   TEXT NOT NULL,
    tag         TEXT,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    compute     TEXT NOT NULL,
    storage     TEXT NOT NULL,
    created     TEXT NOT NULL,
    finished    TEXT
);
CREATE INDEX executions_by_project ON executions(project, created);

CREATE TABLE jobs (
    execution   TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    operation   TEXT,
    status      TEXT NOT NULL,
    message     TEXT,
    started     TEXT,
    finished    TEXT,
    PRIMARY KEY (execution, id)
);

CREATE TABLE logs (
    execution   TEXT NOT NULL,
    job         TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    line        TEXT NOT NULL,
    PRIMARY KEY (execution, job, seq)
);

CREATE TABLE metrics (
    execution   TEXT NOT NULL,
    job         TEXT NOT NULL,
    name        TEXT NOT NULL,
    step        INTEGER,
    value       REAL NOT NULL,
    time        TEXT NOT NULL
);
CREATE INDEX metrics_by_job ON metrics(execution, job, name);

CREATE TABLE plots (
    execution   TEXT NOT NULL,
    job         TEXT NOT NULL,
    plot        TEXT NOT NULL,
    title       TEXT,
    svg         TEXT NOT NULL,
    updated     TEXT NOT NULL,
    PRIMARY KEY (execution, job, plot)
);
