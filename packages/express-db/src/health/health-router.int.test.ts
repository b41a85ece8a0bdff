import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createKustoDb, type KustoDb } from '@kusto/db';
import { startPostgres, type PostgresServer } from '@kusto/test-servers';
import { registerDbMetrics } from '../metrics/register-db-metrics.js';
import { EXPRESS_VERSIONS, finalErrorHandler, parsePrometheus, serve, twoDatabaseProject, type RunningApp } from '../test-support/harness.js';
import { createHealthRouter, type HealthRouterOptions } from './health-router.js';

let server: PostgresServer;
let project: string;
const urls: Record<string, string> = {};

beforeAll(async () => {
  [server, project] = await Promise.all([startPostgres({ backend: 'embedded' }), twoDatabaseProject()]);
  // application_name tags the app's connections so pg_stat_activity can count exactly them.
  urls.user = `${await server.createDatabase('hr_user')}?application_name=kusto_health_app`;
  urls.temporary = `${await server.createDatabase('hr_temporary')}?application_name=kusto_health_app`;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe.each(EXPRESS_VERSIONS)('createHealthRouter on %s', (_label, express) => {
  let manager: KustoDb;
  let app: RunningApp | undefined;

  async function startApp(options: Omit<HealthRouterOptions, 'manager'> = {}, env: Record<string, string> = {}) {
    manager = createKustoDb({
      cwd: project,
      profile: 'traditional',
      env: { RDS_USER_URL: urls.user!, RDS_TEMPORARY_URL: urls.temporary!, ...env },
      checkTimeoutMs: 3_000,
      maxRetries: 0,
      cooldownMs: 200,
    });
    const instance = express();
    instance.use(createHealthRouter({ manager, ...options }));
    instance.get('/other', (_req, res) => void res.json({ passed: true }));
    instance.use(finalErrorHandler);
    app = await serve(instance);
    return app.url;
  }

  afterEach(async () => {
    await app?.close();
    await manager?.disconnectAll();
    if (!server.running) await server.start();
  });

  test('readiness checks every database; liveness stays 200 while readiness is 503 during an outage', async () => {
    const url = await startApp();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      databases: { user: { healthy: true, state: 'ready' }, temporary: { healthy: true, state: 'ready' } },
    });

    await server.stop();
    const down = await fetch(`${url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', databases: { user: { healthy: false } } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await server.start();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  test('no secrets, and no hosts unless allowed; detail can be turned off; other paths pass through', async () => {
    const url = await startApp({ detail: false, detailPath: false });
    const readyBody = await (await fetch(`${url}/readyz`)).text();
    expect(JSON.parse(readyBody)).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/health/db`)).status).toBe(404);
    expect(await (await fetch(`${url}/other`)).json()).toEqual({ passed: true });
  });

  test('the detail endpoint reports state, pool and counters without passwords; targets only when allowed', async () => {
    let url = await startApp();
    await fetch(`${url}/readyz`);
    const detail = (await (await fetch(`${url}/health/db`)).json()) as { databases: Record<string, Record<string, unknown>> };
    expect(detail.databases.user).toMatchObject({ state: 'ready', provider: 'postgresql', consecutiveFailures: 0 });
    expect(detail.databases.user).not.toHaveProperty('target');
    const password = new URL(urls.user!).password;
    expect(JSON.stringify(detail)).not.toContain(password);
    expect(JSON.stringify(detail)).not.toContain('127.0.0.1');
    await app!.close();
    await manager.disconnectAll();

    url = await startApp({ showTargets: true, readinessPath: '/ready', livenessPath: '/live' });
    expect((await fetch(`${url}/live`)).status).toBe(200);
    const ready = (await (await fetch(`${url}/ready`)).json()) as { databases: Record<string, { target: string }> };
    expect(ready.databases.user!.target).toMatch(/^postgresql:\/\/127\.0\.0\.1:\d+\/hr_user\?application_name$/);
    expect(JSON.stringify(ready)).not.toContain(password);
  });

  test('a password with an unencoded "/" never shows as a target (readiness and detail): the database is a configuration error that says to percent-encode it', async () => {
    const { host, pathname } = new URL(urls.user!);
    const leaky = `postgresql://app:5432/LEAKpw@${host}${pathname}`;
    const url = await startApp({ showTargets: true }, { RDS_USER_URL: leaky, RDS_TEMPORARY_URL: `${urls.temporary!}&fallback_application_name=LEAKname` });
    const ready = await fetch(`${url}/readyz`);
    const readyBody = await ready.text();
    expect(ready.status).toBe(503);
    const detailBody = await (await fetch(`${url}/health/db`)).text();
    for (const body of [readyBody, detailBody]) {
      expect(body).not.toMatch(/LEAK/);
      const databases = (JSON.parse(body) as { databases: Record<string, { target?: string; lastError?: string }> }).databases;
      expect(databases.user!.target).toBe('<invalid url: percent-encode the password>');
      expect(databases.temporary!.target).toMatch(/^postgresql:\/\/127\.0\.0\.1:\d+\/hr_temporary\?application_name&fallback_application_name$/);
    }
    expect(readyBody).toMatch(/percent-encode the password/);
  });

  test('/metrics parses as Prometheus text and its pool gauges match pg_stat_activity', async () => {
    const registry = new Registry();
    const url = await startApp({ metrics: registry });
    registerDbMetrics(registry, { manager });
    // Open a few connections in each pool.
    for (const name of ['user', 'temporary'] as const) {
      const client = await manager.getClient(name);
      await Promise.all(Array.from({ length: 3 }, () => client.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(0.05)')));
    }

    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = parsePrometheus(await response.text());

    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    const activity = await admin.query<{ datname: string; n: string }>(
      `SELECT datname, count(*) AS n FROM pg_stat_activity WHERE application_name = 'kusto_health_app' GROUP BY datname`,
    );
    await admin.end();
    const onServer = Object.fromEntries(activity.rows.map((row) => [row.datname, Number(row.n)]));

    expect(samples.get('kusto_db_pool_connections{database="user",kind="total"}')).toBe(onServer.hr_user);
    expect(samples.get('kusto_db_pool_connections{database="temporary",kind="total"}')).toBe(onServer.hr_temporary);
    expect(onServer.hr_user).toBeGreaterThan(0);
    expect(samples.get('kusto_db_up{database="user"}')).toBe(1);
    expect(samples.get('kusto_db_state{database="user",state="ready"}')).toBe(1);
    expect(samples.get('kusto_db_reconnects_total{database="user"}')).toBe(0);
    expect(samples.has('kusto_db_check_latency_seconds{database="user"}')).toBe(true);
  });
});
