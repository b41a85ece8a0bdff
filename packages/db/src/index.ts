export * from './errors.js';
export { assertDatabaseName, envVarForDatabase } from './naming/database-name.js';
export { REDACTED, redactUrl, scrubSecrets } from './naming/redact-url.js';
