-- Client ids are unique per author, not per ticket: a visitor and an agent may pick the same
-- id for different messages. The table is rebuilt because a UNIQUE constraint cannot be
-- changed in place (portable: CREATE, INSERT … SELECT, DROP, RENAME).

CREATE TABLE messages_by_author (
    ticket      TEXT NOT NULL REFERENCES tickets (id),
    seq         INTEGER NOT NULL,
    client_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    sentiment   REAL,
    PRIMARY KEY (ticket, seq),
    UNIQUE (ticket, author, client_id)
);

INSERT INTO messages_by_author (ticket, seq, client_id, author, text, at, sentiment)
SELECT ticket, seq, client_id, author, text, at, sentiment FROM messages;

DROP TABLE messages;

ALTER TABLE messages_by_author RENAME TO messages;
