-- Adapter credentials per user, sealed with the server's key (AES-256-GCM); never readable through the API.
CREATE TABLE secrets (
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    sealed       BLOB NOT NULL,
    created      TEXT NOT NULL,
    updated      TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
);
