/** Admin URL of the Postgres server that Jest's global setup shares with every test file of a run. */
export const SHARED_URL_ENV = 'KUSTO_TEST_PG_URL';
/** Which backend the shared server runs on (`embedded` or `container`). */
export const SHARED_BACKEND_ENV = 'KUSTO_TEST_PG_BACKEND';

export const SHARED_SERVER_KEY = Symbol.for('kusto.local-postgres.shared-server');
