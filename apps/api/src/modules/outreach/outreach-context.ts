import type { Pool } from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import type { Clock, SesSettings } from '@prospectflow/outreach';

/** What the outreach services need: the pool, the clock, the mailbox secrets key and SES settings. */
export interface OutreachDeps {
  pool: Pool;
  logger: Logger;
  clock: Clock;
  secretsKey: Buffer;
  ses: SesSettings;
}
