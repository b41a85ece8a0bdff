export { registerDbMetrics, type DbMetricsOptions } from './register-db-metrics.js';
