-- The scheduler takes due tasks oldest first, ties broken by id (`ORDER BY scheduled_for, id LIMIT n`).
-- Indexed on scheduled_for alone, every task sharing the oldest instant — a bulk enrollment's whole
-- batch — was joined and sorted before the first n came out (3,600 rows per tick for 200 taken in
-- the pipeline bench). In the order of the query, the scan stops after n.
DROP INDEX outreach_tasks_due_idx;
CREATE INDEX outreach_tasks_due_idx ON outreach_tasks (scheduled_for, id) WHERE status = 'pending';
