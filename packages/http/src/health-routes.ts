import { Router } from 'express';
import { checkReadiness, type Metrics, type ReadinessCheck } from '@prospectflow/observability';

/** `/health` (process is alive), `/ready` (dependencies answer) and `/metrics` (Prometheus). */
export function healthRoutes(deps: { metrics: Metrics; readinessChecks: ReadinessCheck[] }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const report = await checkReadiness(deps.readinessChecks, (name) =>
      deps.metrics.readinessFailures.inc({ dependency: name }),
    );
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
