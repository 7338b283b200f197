-- Every conversation, escalated or not: what the outcome beacon reports and what a handoff
-- implies. Rates (escalation, bot resolution) take their denominators from here. A
-- conversation is named by its visitor and start time, which the widget's beacon and its
-- handoff both carry.

CREATE TABLE conversations (
    site            TEXT NOT NULL,
    visitor         TEXT NOT NULL,
    started_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    outcome         TEXT NOT NULL,
    ticket          TEXT,
    variants        TEXT NOT NULL,
    trace           TEXT NOT NULL,
    transcript      TEXT NOT NULL,
    PRIMARY KEY (site, visitor, started_at)
);

CREATE INDEX conversations_started ON conversations (site, started_at);

-- Existing tickets become escalated conversations.
INSERT INTO conversations (site, visitor, started_at, last_seen_at, outcome, ticket, variants, trace, transcript)
SELECT site, visitor,
       COALESCE(json_extract(handoff, '$.started_at'), created_at),
       created_at, 'escalated', id,
       COALESCE(json_extract(handoff, '$.variants'), '[]'),
       COALESCE(json_extract(handoff, '$.trace'), '[]'),
       COALESCE(json_extract(handoff, '$.transcript'), '[]')
FROM tickets
WHERE true
ON CONFLICT (site, visitor, started_at) DO NOTHING;
