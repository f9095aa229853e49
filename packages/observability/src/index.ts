export { createLogger, createChildLogger, rootLogger, setRootLogger, REDACT_PATHS, type Logger } from './logger.js';
export { timeOperation } from './time-operation.js';
export { createMetrics, type Metrics } from './metrics.js';
export { checkReadiness, type ReadinessCheck, type ReadinessReport } from './readiness.js';
export { Counter, Gauge, Histogram } from 'prom-client';
