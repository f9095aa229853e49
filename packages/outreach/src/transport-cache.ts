import type { MailboxForSending } from '@prospectflow/db';
import { decryptMailboxSecret } from './mailbox-secrets.js';
import { createTransport, type MailTransport, type SesSettings } from './transports/index.js';

/** Keeps one pooled transport per mailbox version (a mailbox edit gets a fresh one). */
export class TransportCache {
  readonly #transports = new Map<string, MailTransport>();

  constructor(private readonly options: { secretsKey: Buffer; ses?: SesSettings }) {}

  get(mailbox: MailboxForSending): MailTransport {
    const key = `${mailbox.id}:${new Date(mailbox.updatedAt).getTime()}`;
    let transport = this.#transports.get(key);
    if (!transport) {
      for (const [stale, old] of this.#transports) {
        if (stale.startsWith(`${mailbox.id}:`)) {
          old.close();
          this.#transports.delete(stale);
        }
      }
      const smtpPassword = mailbox.smtpPasswordEncrypted
        ? decryptMailboxSecret(this.options.secretsKey, mailbox.smtpPasswordEncrypted)
        : null;
      transport = createTransport(mailbox, { smtpPassword }, { ses: this.options.ses });
      this.#transports.set(key, transport);
    }
    return transport;
  }

  closeAll(): void {
    for (const transport of this.#transports.values()) transport.close();
    this.#transports.clear();
  }
}
