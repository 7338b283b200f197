-- The waiting tickets, with every column the queue reads of them: counting them, a
-- visitor's position and the head of the queue an agent is shown are answered from this
-- index alone. Without it each of those scanned every ticket ever stored, closed ones
-- included, reading each row's handoff from disk on the way.

CREATE INDEX tickets_waiting ON tickets (created_at, priority, id, status, queue, verified, visitor_name, reason)
    WHERE status IN ('queued', 'offline');
