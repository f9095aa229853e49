import { Router } from 'express';
import { IngestQuery, IngestRequest } from '@prospectflow/contracts';
import { ingestProspects } from '@prospectflow/crm';
import type { Pool } from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import type { Redis } from '@prospectflow/redis';
import { startIdempotent } from '../../http/idempotency.js';
import { authOf, organisationIdOf } from '../iam/auth-context.js';
import { requirePermission } from '../iam/require-permission.js';

/** `POST /api/v1/ingest`: Pharow (API key with ingest:write) or an operator pushes prospects. */
export function ingestRoutes(deps: { pool: Pool; redis: Redis; logger: Logger }): Router {
  const router = Router();
  router.post('/api/v1/ingest', requirePermission('ingest:write'), async (req, res) => {
    const organisationId = organisationIdOf(req);
    const { atomic } = IngestQuery.parse(req.query);
    const { data } = IngestRequest.parse(req.body);
    const idempotency = await startIdempotent(deps, `ingest:${organisationId}`, req.header('idempotency-key'), {
      atomic,
      data,
    });
    if (idempotency.replay) {
      res.status(idempotency.replay.status).setHeader('Idempotent-Replayed', 'true').json(idempotency.replay.body);
      return;
    }
    const auth = authOf(req);
    try {
      const result = await ingestProspects(deps.pool, {
        organisationId,
        data,
        atomic,
        source: auth.kind === 'apiKey' ? 'pharow' : 'api',
        startedBy: auth.kind === 'user' ? auth.userId : null,
        apiKeyId: auth.kind === 'apiKey' ? auth.apiKeyId : null,
      });
      await idempotency.finish.complete(201, result);
      deps.logger.info(
        { organisationId, runId: result.runId, received: result.received, rejected: result.rejected.length },
        'ingest done',
      );
      res.status(201).json(result);
    } catch (error) {
      await idempotency.finish.abandon();
      throw error;
    }
  });
  return router;
}
