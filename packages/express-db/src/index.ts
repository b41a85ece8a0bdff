export { livenessHandler } from './health/liveness.js';
