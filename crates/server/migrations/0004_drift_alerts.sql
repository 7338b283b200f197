-- Drift alerts and the last day checked. The partial unique index keeps at most one open
-- alert per trigger and direction, whatever the code does.

CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    site        TEXT NOT NULL,
    trigger     TEXT NOT NULL,
    direction   TEXT NOT NULL,
    opened_day  INTEGER NOT NULL,
    last_day    INTEGER NOT NULL,
    observed    INTEGER NOT NULL,
    expected    REAL NOT NULL,
    p           REAL NOT NULL,
    closed_day  INTEGER
);

CREATE UNIQUE INDEX alerts_one_open ON alerts (site, trigger, direction) WHERE closed_day IS NULL;

CREATE TABLE drift_checks (
    site        TEXT PRIMARY KEY,
    last_day    INTEGER NOT NULL
);
