export { DEFAULT_ERROR_RETRY_AFTER_MS, createDbErrorHandler, type DbErrorHandlerOptions } from './errors/db-error-handler.js';
export { UNAVAILABLE_MESSAGE, retryAfterSeconds } from './errors/unavailable-response.js';
export {
  DEFAULT_HEALTH_PATHS,
  DEFAULT_READINESS_TIMEOUT_MS,
  createHealthRouter,
  type HealthRouter,
  type HealthRouterOptions,
  type MetricsRegistry,
} from './health/health-router.js';
export { ReadinessGate } from './health/readiness-gate.js';
export { createDbConnectionMiddleware, type DbConnectionMiddlewareOptions, type DbRequestError } from './middleware/db-connection-middleware.js';
export type { DatabaseFailure, KustoRequestContext } from './request-context.js';
export {
  SHUTDOWN_DEFAULTS,
  installGracefulShutdown,
  type GracefulShutdown,
  type GracefulShutdownOptions,
  type SignalSource,
} from './shutdown/graceful-shutdown.js';
