import type { CampaignStatus, EnrollmentState, ErrorBody, MessageStatus, StartBlocker } from '@prospectflow/contracts';
import { apiErrorMessage } from './api.js';

/** A keyset page as every outreach list answers it. */
export interface OutreachPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** ISO weekdays (1 = Monday) as the sending window stores them. */
export const WEEKDAYS = [
  { day: 1, label: 'Mon' },
  { day: 2, label: 'Tue' },
  { day: 3, label: 'Wed' },
  { day: 4, label: 'Thu' },
  { day: 5, label: 'Fri' },
  { day: 6, label: 'Sat' },
  { day: 7, label: 'Sun' },
] as const;

type Tone = '' | 'pf-badge--muted' | 'pf-badge--success' | 'pf-badge--danger';

const CAMPAIGN_TONES: Record<CampaignStatus, Tone> = {
  draft: 'pf-badge--muted',
  running: 'pf-badge--success',
  paused: '',
  archived: 'pf-badge--muted',
};
const ENROLLMENT_TONES: Record<EnrollmentState, Tone> = {
  active: 'pf-badge--success',
  paused: '',
  replied: 'pf-badge--success',
  bounced: 'pf-badge--danger',
  unsubscribed: 'pf-badge--danger',
  finished: 'pf-badge--muted',
};
const MESSAGE_TONES: Record<MessageStatus, Tone> = {
  draft: 'pf-badge--muted',
  approved: '',
  rejected: 'pf-badge--danger',
  queued: '',
  sending: '',
  sent: 'pf-badge--success',
  failed: 'pf-badge--danger',
  received: 'pf-badge--success',
};

/** Badge class of a campaign status, an enrollment state or a message status. */
export function outreachTone(kind: 'campaign' | 'enrollment' | 'message', value: string): Tone {
  const tones: Record<string, Tone> =
    kind === 'campaign' ? CAMPAIGN_TONES : kind === 'enrollment' ? ENROLLMENT_TONES : MESSAGE_TONES;
  return tones[value] ?? '';
}

function errorOf(error: unknown): Partial<ErrorBody['error']> | undefined {
  return (error as { data?: Partial<ErrorBody> })?.data?.error;
}

/** The machine-readable code of a failed API call (`campaign_not_startable`, `validation_failed`…). */
export function apiErrorCode(error: unknown): string | undefined {
  return errorOf(error)?.code;
}

/**
 * The API's validation issues by field path (`sendingWindow.endHour`, `smtp.host`), so a form
 * shows each message next to its field; the first issue of a path wins.
 */
export function apiFieldErrors(error: unknown): Record<string, string> {
  const body = errorOf(error);
  if (body?.code !== 'validation_failed' || !Array.isArray(body.details)) return {};
  const errors: Record<string, string> = {};
  for (const issue of body.details as { path?: unknown[]; message?: string }[]) {
    const path = (issue.path ?? []).map(String).join('.');
    if (issue.message && errors[path] === undefined) errors[path] = issue.message;
  }
  return errors;
}

/** What prevents a campaign from starting, from a 422 `campaign_not_startable` (or `no_enabled_step`). */
export function startBlockersOf(error: unknown): StartBlocker[] {
  const body = errorOf(error);
  return Array.isArray(body?.details) ? (body.details as StartBlocker[]).filter((b) => b && b.message) : [];
}

/** "Léa Martin", or the email, or a dash: how a prospect is named in outreach lists. */
export function prospectLabel(p: { firstName: string | null; lastName: string | null; email?: string | null }) {
  return [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email || '—';
}

/** Content of a step or variant as a form edits it: a prompt (AI draft) or subject/body templates. */
export interface ContentModel {
  source: 'templates' | 'prompt';
  promptId: string;
  subjectTemplate: string;
  bodyTemplate: string;
}

type StoredContent = { promptId: string | null; subjectTemplate: string | null; bodyTemplate: string | null };

/** The form model of stored content; a body template wins over a prompt, as when drafting. */
export function contentModelOf(content: StoredContent): ContentModel {
  const source = content.promptId && !content.bodyTemplate?.trim() ? 'prompt' : 'templates';
  return {
    source,
    promptId: content.promptId ?? '',
    subjectTemplate: content.subjectTemplate ?? '',
    bodyTemplate: content.bodyTemplate ?? '',
  };
}

/** The API fields of the chosen source; the other source is cleared so only one applies. */
export function contentFieldsOf(model: ContentModel): StoredContent {
  return model.source === 'prompt'
    ? { promptId: model.promptId || null, subjectTemplate: '', bodyTemplate: '' }
    : { promptId: null, subjectTemplate: model.subjectTemplate, bodyTemplate: model.bodyTemplate };
}

/**
 * The message a form shows in its alert: none when every validation issue sits under one of the
 * `placed` fields, else the first unplaced issue (prefixed with its path) or the API's message.
 */
export function apiFormError(error: unknown, placed: readonly string[]): string | undefined {
  if (!error) return undefined;
  const fields = apiFieldErrors(error);
  const unplaced = Object.keys(fields).find((path) => !placed.includes(path));
  if (unplaced === undefined) return Object.keys(fields).length ? undefined : apiErrorMessage(error);
  return unplaced ? `${unplaced}: ${fields[unplaced]}` : fields[unplaced];
}

/** SMTP or IMAP server settings as a mailbox form edits them; the password is write-only. */
export interface MailServerModel {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** Empty keeps the stored password (on edit). */
  password: string;
  removePassword: boolean;
}

/** The API body of server settings: `password` omitted keeps the stored one, null removes it. */
export function mailServerBody(model: MailServerModel, creating: boolean): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    host: model.host,
    port: model.port,
    secure: model.secure,
    user: model.user.trim() || null,
  };
  if (model.password) settings.password = model.password;
  else if (model.removePassword || creating) settings.password = null;
  return settings;
}
