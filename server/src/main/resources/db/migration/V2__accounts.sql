-- Accounts mode: passwords, sessions, API tokens, project visibility and the audit log.
-- No secret is stored in the clear: passwords as Argon2 hashes, session ids and tokens as SHA-256.
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed TEXT;
CREATE UNIQUE INDEX users_name ON users(name COLLATE NOCASE);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created      TEXT NOT NULL,
    expires      TEXT NOT NULL,
    address      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    hash         TEXT NOT NULL UNIQUE,
    created      TEXT NOT NULL,
    expires      TEXT,
    last_used    TEXT,
    revoked      TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE project_settings (
    project      TEXT PRIMARY KEY,
    public       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    time         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT ''
);
