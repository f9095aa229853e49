import type { ImapFlow } from 'imapflow';
import { INBOUND_MAIL_MAX_BYTES, OUTREACH_REPLY_QUEUE, type OutreachInboundMail } from '@prospectflow/contracts';
import {
  advanceImapLastSeenUid,
  getImapMailbox,
  resetImapUidValidity,
  withImapPollLock,
  type ImapMailbox,
  type Pool,
  type Queryable,
} from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import { systemClock, type Clock } from '../clock.js';
import { decryptMailboxSecret } from '../mailbox-secrets.js';
import {
  batchMessages,
  closeSession,
  fetchSources,
  listMessagesFrom,
  openInbox,
  type ListedMessage,
} from './imap-session.js';

/** Bytes of message sources held in memory at once (one batch). */
const BATCH_BYTES = 16 * 1024 * 1024;

export interface ImapPollDeps {
  pool: Pool;
  secretsKey: Buffer;
  /** Publishes to `outreach.reply` and resolves once the broker confirmed it. */
  publish: (routingKey: string, mail: OutreachInboundMail, options: { messageId: string }) => Promise<void>;
  logger: Logger;
  timeoutMs: number;
  /** Messages published (and confirmed) before the last seen UID moves. */
  batchSize: number;
  /** Messages read by one poll; the rest wait for the next one (`more`). */
  maxMessagesPerPoll: number;
  clock?: Clock;
}

export interface ImapPollResult {
  published: number;
  /** Messages over the 10 MB inbound limit, passed over with a warning. */
  skipped: number;
  /** More messages are waiting than one poll reads. */
  more: boolean;
  /** The INBOX had another UIDVALIDITY than the one on record (or none yet). */
  uidValidityChanged: boolean;
}

/** A mailbox that cannot be polled as configured; the loop backs off like for a connection error. */
export class ImapPollError extends Error {
  override name = 'ImapPollError';
  constructor(
    readonly code: 'no_password' | 'settings_changed',
    message: string,
  ) {
    super(message);
  }
}

const NOTHING: ImapPollResult = { published: 0, skipped: 0, more: false, uidValidityChanged: false };

/**
 * Publishes the INBOX messages past the mailbox's last seen UID to `outreach.reply`, batch by
 * batch, advancing the last seen UID only after the broker confirmed the batch: a crash reads
 * again, never skips. Null when another process is polling this mailbox.
 */
export async function pollImapMailbox(
  deps: ImapPollDeps,
  target: { organisationId: string; id: string },
): Promise<ImapPollResult | null> {
  return withImapPollLock(deps.pool, target.id, async (db) => {
    const mailbox = await getImapMailbox(db, target.organisationId, target.id);
    if (!mailbox) return NOTHING;
    if (!mailbox.passwordEncrypted) throw new ImapPollError('no_password', 'the mailbox has no IMAP password');
    const password = decryptMailboxSecret(deps.secretsKey, mailbox.passwordEncrypted);
    const session = await openInbox(mailbox, password, deps);
    try {
      let lastSeen = mailbox.lastSeenUid ?? 0;
      const uidValidityChanged = mailbox.uidValidity !== session.uidValidity;
      if (uidValidityChanged) {
        if (!(await resetImapUidValidity(db, mailbox, session.uidValidity))) throw settingsChanged();
        if (mailbox.uidValidity !== null) {
          deps.logger.warn(
            { mailboxId: mailbox.id, from: mailbox.uidValidity, to: session.uidValidity },
            'imap uidvalidity changed, reading the inbox again',
          );
        }
        lastSeen = 0;
      }
      if (session.exists === 0 || (session.uidNext && session.uidNext <= lastSeen + 1)) {
        return { ...NOTHING, uidValidityChanged };
      }
      const due = await listMessagesFrom(session.client, lastSeen + 1);
      const now = due.slice(0, deps.maxMessagesPerPoll);
      const result = { ...NOTHING, uidValidityChanged, more: due.length > now.length };
      for (const batch of batchMessages(now, deps.batchSize, BATCH_BYTES)) {
        const counts = await publishBatch(deps, session.client, mailbox, session.uidValidity, batch);
        result.published += counts.published;
        result.skipped += counts.skipped;
        if (!(await advance(db, mailbox, session.uidValidity, batch))) throw settingsChanged();
      }
      return result;
    } finally {
      await closeSession(session.client);
    }
  });
}

function settingsChanged() {
  return new ImapPollError('settings_changed', 'the mailbox IMAP settings changed during the poll');
}

function advance(db: Queryable, mailbox: ImapMailbox, uidValidity: string, batch: ListedMessage[]) {
  return advanceImapLastSeenUid(db, mailbox, uidValidity, batch[batch.length - 1]!.uid);
}

async function publishBatch(
  deps: ImapPollDeps,
  client: ImapFlow,
  mailbox: ImapMailbox,
  uidValidity: string,
  batch: ListedMessage[],
): Promise<{ published: number; skipped: number }> {
  const wanted = batch.filter((message) => message.size <= INBOUND_MAIL_MAX_BYTES);
  for (const message of batch.filter((m) => m.size > INBOUND_MAIL_MAX_BYTES)) {
    deps.logger.warn(
      { mailboxId: mailbox.id, uid: message.uid, bytes: message.size },
      'imap message too large, passed over',
    );
  }
  // A message expunged since it was listed is simply absent from the answer.
  const sources = wanted.length
    ? await fetchSources(
        client,
        wanted.map((m) => m.uid),
      )
    : [];
  const now = (deps.clock ?? systemClock)();
  await Promise.all(
    sources.map((message) => {
      const received =
        message.internalDate && !Number.isNaN(message.internalDate.getTime()) ? message.internalDate : now;
      const mail: OutreachInboundMail = {
        organisationId: mailbox.organisationId,
        mailboxId: mailbox.id,
        source: 'imap',
        raw: message.source.toString('base64'),
        receivedAt: received.toISOString(),
        imapUid: message.uid,
      };
      return deps.publish(OUTREACH_REPLY_QUEUE, mail, {
        messageId: `imap:${mailbox.id}:${uidValidity}:${message.uid}`,
      });
    }),
  );
  return { published: sources.length, skipped: batch.length - wanted.length };
}
