-- outreach_tasks and tracking_pixels no longer reference iam_organisations directly: their
-- composite keys (organisation_id, enrollment_id) → outreach_campaign_enrollments and
-- (organisation_id, message_id) → outreach_messages, both NOT NULL, already prove that the
-- organisation exists, and deleting an organisation still removes their rows through those
-- cascades. The direct key cost one more foreign-key check per row on the campaign engine's
-- hottest inserts, each taking a KEY SHARE lock on the same organisation row (shared by every
-- concurrent insert of the tenant). Same reasoning as 011 for crm_positions.
ALTER TABLE outreach_tasks DROP CONSTRAINT outreach_tasks_organisation_id_fkey;
ALTER TABLE tracking_pixels DROP CONSTRAINT tracking_pixels_organisation_id_fkey;
