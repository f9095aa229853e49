export { errorHandler, notFoundHandler } from './errors.js';
export { httpMetrics, routeTemplateOf } from './metrics-middleware.js';
export { requestLogger, requestIdOf } from './request-context.js';
export { healthRoutes } from './health-routes.js';
