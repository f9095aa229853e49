import { OUTREACH_REPLY_QUEUE, OutreachInboundMail } from '@prospectflow/contracts';
import { TerminalError, type ConnectionManager, type Consumer } from '@prospectflow/messaging';
import type { Logger } from '@prospectflow/observability';
import { InboundParseError, processInboundMail, type InboundDeps } from '@prospectflow/outreach';
import type { WorkerMetrics } from '../metrics.js';

export interface ReplyConsumerDeps extends InboundDeps {
  broker: ConnectionManager;
  logger: Logger;
  metrics: WorkerMetrics;
  concurrency: number;
}

/**
 * `outreach.reply`: parses, classifies and matches an inbound message, stores it threaded with
 * ours and applies its class (processInboundMail). Bytes that are not a message are dead-lettered;
 * database errors are retried by the queue. Redeliveries find the Message-ID stored and do nothing.
 */
export function consumeOutreachReplies(deps: ReplyConsumerDeps): Promise<Consumer> {
  const { logger: log } = deps;
  return deps.broker.consume(
    OUTREACH_REPLY_QUEUE,
    async (mail, context) => {
      const ids = { organisationId: mail.organisationId, mailboxId: mail.mailboxId, source: mail.source };
      try {
        const result = await processInboundMail(deps, mail);
        deps.metrics.inboundMail.inc({ source: mail.source, outcome: result.outcome });
        if (result.outcome === 'stored') {
          deps.metrics.repliesDetected.inc({
            organisation_id: mail.organisationId,
            classification: result.classification,
          });
        }
        log.info({ ...ids, ...result, attempt: context.attempt }, 'inbound mail handled');
      } catch (error) {
        if (!(error instanceof InboundParseError)) throw error;
        deps.metrics.inboundMail.inc({ source: mail.source, outcome: 'unparseable' });
        throw new TerminalError(error.message, { code: 'unparseable_mail', cause: error });
      }
    },
    {
      schema: OutreachInboundMail,
      prefetch: deps.concurrency,
      onOutcome: ({ queue, outcome, durationMs }) => {
        deps.metrics.jobsProcessed.inc({ queue, outcome });
        deps.metrics.jobDuration.observe({ queue }, durationMs / 1000);
      },
    },
  );
}
