import { query, type Queryable } from '../query.js';

export type ConsentEventType = 'signup' | 'confirm' | 'unsubscribe';

export interface NewConsentEvent {
  subscriberId: string;
  eventType: ConsentEventType;
  consentText?: string | null;
  privacyPolicyVersion?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface ConsentEvent extends Required<NewConsentEvent> {
  id: string;
  occurredAt: Date;
}

/** Appends one event to the immutable consent log (the table rejects UPDATE). */
export async function insertConsentEvent(db: Queryable, event: NewConsentEvent): Promise<string> {
  const result = await query<{ id: string }>(
    db,
    'lm.insert_consent_event',
    `INSERT INTO lm_consent_events (subscriber_id, event_type, consent_text, privacy_policy_version, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5::inet, $6) RETURNING id`,
    [
      event.subscriberId,
      event.eventType,
      event.consentText ?? null,
      event.privacyPolicyVersion ?? null,
      event.ip ?? null,
      event.userAgent ?? null,
    ],
  );
  return result.rows[0]!.id;
}

/** The subscriber's consent history, oldest first. */
export async function listConsentEvents(db: Queryable, subscriberId: string): Promise<ConsentEvent[]> {
  const result = await query<ConsentEvent>(
    db,
    'lm.list_consent_events',
    `SELECT id, subscriber_id AS "subscriberId", event_type AS "eventType", consent_text AS "consentText",
            privacy_policy_version AS "privacyPolicyVersion", host(ip) AS ip, user_agent AS "userAgent",
            occurred_at AS "occurredAt"
     FROM lm_consent_events WHERE subscriber_id = $1 ORDER BY occurred_at, id`,
    [subscriberId],
  );
  return result.rows;
}
