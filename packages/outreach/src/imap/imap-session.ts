import { ImapFlow } from 'imapflow';
import type { ImapMailbox } from '@prospectflow/db';

export interface ImapTimeouts {
  /** Connect, greeting and socket inactivity limit, in ms. */
  timeoutMs: number;
}

/** A message of the INBOX that is due: its UID and size (the source is fetched per batch). */
export interface ListedMessage {
  uid: number;
  size: number;
}

/** A logged-in connection with the INBOX open read-only (the poller never changes flags). */
export async function openInbox(mailbox: ImapMailbox, password: string, options: ImapTimeouts) {
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.secure,
    auth: { user: mailbox.user, pass: password },
    // Its own logger would print protocol lines; the poller logs outcomes itself.
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  // An 'error' event without a listener would crash the process; the failed command rejects anyway.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const inbox = await client.mailboxOpen('INBOX', { readOnly: true });
    return { client, uidValidity: inbox.uidValidity.toString(), uidNext: inbox.uidNext, exists: inbox.exists };
  } catch (error) {
    client.close();
    throw error;
  }
}

/** UIDs from `fromUid` on, ascending (`N:*` also answers the last message when N is past it). */
export async function listMessagesFrom(client: ImapFlow, fromUid: number): Promise<ListedMessage[]> {
  const messages = await client.fetchAll(`${fromUid}:*`, { uid: true, size: true }, { uid: true });
  return messages
    .filter((message) => message.uid >= fromUid)
    .map((message) => ({ uid: message.uid, size: message.size ?? 0 }))
    .sort((a, b) => a.uid - b.uid);
}

/** Raw sources of the given UIDs. */
export async function fetchSources(client: ImapFlow, uids: number[]) {
  const messages = await client.fetchAll(
    uids.join(','),
    { uid: true, source: true, internalDate: true },
    { uid: true },
  );
  return messages.map((message) => ({
    uid: message.uid,
    source: message.source ?? Buffer.alloc(0),
    internalDate: message.internalDate ? new Date(message.internalDate) : null,
  }));
}

/** Logs out politely, or drops the connection when that fails. */
export async function closeSession(client: ImapFlow): Promise<void> {
  await client.logout().catch(() => client.close());
}

/** Splits listed messages into batches of at most `count` messages and about `bytes` bytes. */
export function batchMessages(messages: ListedMessage[], count: number, bytes: number): ListedMessage[][] {
  const batches: ListedMessage[][] = [];
  let current: ListedMessage[] = [];
  let size = 0;
  for (const message of messages) {
    if (current.length && (current.length >= count || size + message.size > bytes)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += message.size;
  }
  if (current.length) batches.push(current);
  return batches;
}
