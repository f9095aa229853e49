import type { HealthResponse } from '@prospectflow/contracts';

/** Liveness: the process is up and serving requests. */
export default defineEventHandler((): HealthResponse => ({ status: 'ok' }));
