-- Users and their roles per project: the seam that login, tokens and sharing build on.
CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    created      TEXT NOT NULL,
    disabled     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE project_roles (
    project      TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('reader', 'writer', 'owner')),
    PRIMARY KEY (project, user_id)
);
