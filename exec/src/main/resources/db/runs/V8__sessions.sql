-- Interactive sessions (docs/sessions.md): the session, how to find its process again after a server restart
-- (adapter handle, connect string, the secret's hash), and its cells with their outputs (a JSON array, capped).
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    project       TEXT NOT NULL,
    owner         TEXT NOT NULL,
    adapter       TEXT NOT NULL,
    config        TEXT NOT NULL,
    state         TEXT NOT NULL,
    reason        TEXT,
    created       TEXT NOT NULL,
    last_activity TEXT NOT NULL,
    shared        INTEGER NOT NULL DEFAULT 0,
    branch        TEXT NOT NULL,
    commit_id     TEXT NOT NULL,
    idle_timeout  INTEGER NOT NULL,
    seed          INTEGER NOT NULL,
    environment   TEXT NOT NULL DEFAULT '{}',
    resources     TEXT NOT NULL DEFAULT '{}',
    handle        TEXT,
    connect       TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    ended         TEXT
);
CREATE INDEX sessions_by_project ON sessions(project, created);
CREATE INDEX sessions_live ON sessions(ended, owner);

CREATE TABLE session_cells (
    session         TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    idx             INTEGER NOT NULL,
    code            TEXT NOT NULL,
    origin          TEXT NOT NULL,
    state           TEXT NOT NULL,
    execution_count INTEGER,
    outputs         TEXT NOT NULL DEFAULT '[]',
    outputs_size    INTEGER NOT NULL DEFAULT 0,
    truncated       INTEGER NOT NULL DEFAULT 0,
    created         TEXT NOT NULL,
    finished        TEXT,
    PRIMARY KEY (session, id),
    UNIQUE (session, idx)
);
CREATE INDEX session_cells_by_state ON session_cells(session, state, idx);
