-- Tickets, their messages, agents and sessions. Types and statements are kept portable
-- (TEXT, INTEGER, REAL; ON CONFLICT with a target) so a PostgreSQL backend can share them.

CREATE TABLE tickets (
    id              TEXT PRIMARY KEY,
    site            TEXT NOT NULL,
    handoff_id      TEXT NOT NULL,
    resume_token    TEXT NOT NULL UNIQUE,
    visitor         TEXT NOT NULL,
    queue           TEXT NOT NULL,
    priority        INTEGER NOT NULL,
    status          TEXT NOT NULL,
    handoff         TEXT NOT NULL,
    verified        INTEGER NOT NULL,
    server_trace    TEXT NOT NULL,
    disagreement    TEXT,
    created_at      INTEGER NOT NULL,
    claimed_at      INTEGER,
    claimed_by      TEXT,
    first_reply_at  INTEGER,
    closed_at       INTEGER,
    resolution      TEXT,
    csat            INTEGER,
    csat_comment    TEXT,
    misfire         TEXT,
    email           TEXT,
    UNIQUE (site, handoff_id)
);

CREATE INDEX tickets_open ON tickets (site, status);

CREATE TABLE messages (
    ticket      TEXT NOT NULL REFERENCES tickets (id),
    seq         INTEGER NOT NULL,
    client_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    sentiment   REAL,
    PRIMARY KEY (ticket, seq),
    UNIQUE (ticket, client_id)
);

CREATE TABLE agents (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    agent       TEXT NOT NULL REFERENCES agents (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
