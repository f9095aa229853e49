import { query, type Queryable } from '../query.js';
import { SqlParams, conflictsAs } from './prospect-sql.js';

export interface PersonChanges {
  firstName?: string;
  lastName?: string;
  salutation?: string | null;
  linkedinUrl?: string | null;
  mobilePhone?: string | null;
  phoneKaspr1?: string | null;
  phoneKaspr3?: string | null;
  mobilePhoneBettercontact?: string | null;
  phoneFullenrich1?: string | null;
  phoneFullenrich3?: string | null;
}

const PERSON_FIELDS: Record<keyof PersonChanges, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  salutation: 'salutation',
  linkedinUrl: 'linkedin_url',
  mobilePhone: 'mobile_phone',
  phoneKaspr1: 'phone_kaspr_1',
  phoneKaspr3: 'phone_kaspr_3',
  mobilePhoneBettercontact: 'mobile_phone_bettercontact',
  phoneFullenrich1: 'phone_fullenrich_1',
  phoneFullenrich3: 'phone_fullenrich_3',
};

/** Applies curated edits to a person of the organisation; 409 `duplicate_linkedin_url` when the URL is taken. */
export async function updatePerson(
  db: Queryable,
  organisationId: string,
  id: string,
  changes: PersonChanges,
): Promise<void> {
  const params = new SqlParams();
  const set = Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => `${PERSON_FIELDS[field as keyof PersonChanges]} = ${params.add(value)}`);
  if (set.length === 0) return;
  await conflictsAs(
    query(
      db,
      'crm.update_person',
      `UPDATE crm_people SET ${set.join(', ')}
       WHERE organisation_id = ${params.add(organisationId)} AND id = ${params.add(id)}`,
      params.values,
    ),
    {
      crm_people_org_linkedin_key: ['duplicate_linkedin_url', 'Another person already has this LinkedIn URL'],
    },
  );
}

export interface ErasureResult {
  positions: number;
  messages: number;
  suppressions: number;
}

/**
 * Right to erasure, inside the caller's transaction. Deleting the person cascades to their
 * positions, then enrollments, tasks, variant assignments, messages and their tracking rows.
 * Messages outside any enrollment (unmatched inbound mail) and suppression entries are tied to
 * the person only by email address: they are deleted too for the addresses no remaining
 * position of the organisation uses. Returns null when the organisation has no such person.
 */
export async function erasePerson(db: Queryable, organisationId: string, id: string): Promise<ErasureResult | null> {
  const person = await query<{ emails: string[]; positions: number; messages: number }>(
    db,
    'crm.erase_person',
    `WITH owned AS (
       SELECT pos.id, pos.email FROM crm_positions pos WHERE pos.organisation_id = $1 AND pos.person_id = $2
     ), messages AS (
       SELECT count(*)::int AS n FROM outreach_messages m
       JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
       WHERE m.organisation_id = $1 AND e.position_id IN (SELECT id FROM owned)
     ), erased AS (
       DELETE FROM crm_people WHERE organisation_id = $1 AND id = $2 RETURNING id
     )
     SELECT coalesce((SELECT array_agg(DISTINCT email::text) FROM owned WHERE email IS NOT NULL), '{}') AS emails,
            (SELECT count(*)::int FROM owned) AS positions, (SELECT n FROM messages) AS messages
     FROM erased`,
    [organisationId, id],
  );
  const row = person.rows[0];
  if (!row) return null;
  const leftovers = await query<{ messages: number; suppressions: number }>(
    db,
    'crm.erase_person_by_email',
    `WITH addresses AS (
       SELECT a FROM unnest($2::citext[]) a
       WHERE NOT EXISTS (SELECT 1 FROM crm_positions x WHERE x.organisation_id = $1 AND x.email = a)
     ), messages AS (
       DELETE FROM outreach_messages m WHERE m.organisation_id = $1 AND m.enrollment_id IS NULL
         AND (m.from_email IN (SELECT a FROM addresses) OR m.to_email IN (SELECT a FROM addresses))
       RETURNING 1
     ), suppressions AS (
       DELETE FROM outreach_suppressions s WHERE s.organisation_id = $1 AND s.email IN (SELECT a FROM addresses)
       RETURNING 1
     )
     SELECT (SELECT count(*)::int FROM messages) AS messages, (SELECT count(*)::int FROM suppressions) AS suppressions`,
    [organisationId, row.emails],
  );
  const extra = leftovers.rows[0]!;
  return {
    positions: row.positions,
    messages: row.messages + extra.messages,
    suppressions: extra.suppressions,
  };
}
