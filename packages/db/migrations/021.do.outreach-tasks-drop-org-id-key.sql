-- outreach_tasks keeps its primary key but drops UNIQUE (organisation_id, id): no table references
-- a task (the composite key exists on tenant tables for their children's tenant foreign keys), the
-- primary key already finds a task by id (queries still check its organisation_id), and every
-- email writes five task row versions (two tasks: created, claimed, done, and the send's attempt),
-- each of which paid one more index insertion for it.
ALTER TABLE outreach_tasks DROP CONSTRAINT outreach_tasks_organisation_id_id_key;
