-- The waiting index again, now led by the queue's sort key (`queue_key`: the ticket's time
-- less ten minutes per priority step, in ms). The head of the queue is then the index's
-- first rows and a position a range of it: an agent's view reads 50 entries and a count,
-- where with 0007 it sorted every waiting ticket (the cost grew with the queue, and a flood
-- of handoffs makes the queue long). The expression must stay exactly as the queries write
-- it (`store::sqlite::queue::KEY`) for SQLite to use the index. A second, small index of the
-- offline tickets answers whether any waits offline with one look.

DROP INDEX tickets_waiting;

CREATE INDEX tickets_waiting ON tickets (created_at - priority * 600000, created_at, id, priority, status, queue, verified, visitor_name, reason)
    WHERE status IN ('queued', 'offline');

CREATE INDEX tickets_offline ON tickets (status) WHERE status = 'offline';
