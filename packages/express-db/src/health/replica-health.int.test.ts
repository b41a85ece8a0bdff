import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Registry } from 'prom-client';
import { createKustoDb, type KustoDb } from '@kusto/db';
import { findFreePort } from '@kusto/test-servers';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { registerDbMetrics } from '../metrics/register-db-metrics.js';
import { EXPRESS_VERSIONS, finalErrorHandler, parsePrometheus, serve, sql, twoDatabaseProject, type RunningApp } from '../test-support/harness.js';
import { createHealthRouter, type HealthRouterOptions } from './health-router.js';

// The `user` database has two read replicas: a real one, and one where nothing listens.

let project: string;
let user: TestDatabase;
let temporary: TestDatabase;
let replica: TestDatabase;
let downReplicaUrl: string;

beforeAll(async () => {
  [project, user, temporary, replica] = await Promise.all([
    twoDatabaseProject(),
    createTestDatabase('replica_health_user'),
    createTestDatabase('replica_health_temporary'),
    createTestDatabase('replica_health_replica'),
  ]);
  for (const url of [user.url, replica.url]) {
    await sql(url, 'CREATE TABLE "User" (id serial PRIMARY KEY, email text UNIQUE NOT NULL, name text)');
  }
  await sql(replica.url, `INSERT INTO "User" (email) VALUES ('on-the-replica@example.com')`);
  const down = new URL(replica.url);
  down.port = String(await findFreePort());
  downReplicaUrl = down.toString();
});

afterAll(async () => {
  await Promise.all([user?.drop(), temporary?.drop(), replica?.drop()]);
});

interface ReadinessBody {
  status: string;
  databases: Record<string, { healthy: boolean; replicas?: Record<string, unknown>[] }>;
}
interface DetailBody {
  databases: Record<string, { state: string; replicas?: Record<string, unknown>[] }>;
}
interface UserClient {
  user: { findMany(): Promise<{ email: string }[]> };
}

describe.each(EXPRESS_VERSIONS)('read replicas in health endpoints on %s', (_label, express) => {
  let manager: KustoDb;
  let app: RunningApp | undefined;

  async function startApp(options: Omit<HealthRouterOptions, 'manager'> = {}) {
    manager = createKustoDb({
      cwd: project,
      profile: 'traditional',
      env: { RDS_USER_URL: user.url, RDS_TEMPORARY_URL: temporary.url, RDS_USER_READ_URL: `${replica.url} ${downReplicaUrl}` },
      checkTimeoutMs: 3_000,
      cooldownMs: 200,
    });
    const instance = express();
    // A generous readiness bound: the first check of each client (primary and replicas) also loads
    // Prisma's query compiler, slow on a loaded machine; this file is not about time-outs.
    instance.use(createHealthRouter({ manager, timeoutMs: 10_000, ...options }));
    instance.use(finalErrorHandler);
    app = await serve(instance);
    return app.url;
  }

  afterEach(async () => {
    await app?.close();
    await manager?.disconnectAll();
  });

  test('/readyz stays 200 with a replica down and shows each replica; /health/db shows them without hosts', async () => {
    const url = await startApp();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as ReadinessBody;
    expect(body.status).toBe('ok');
    expect(body.databases.user).toMatchObject({
      healthy: true,
      replicas: [
        { position: 1, healthy: true, inRotation: true, state: 'ready' },
        { position: 2, healthy: false, inRotation: false, state: 'down', retryAfterMs: expect.any(Number) },
      ],
    });
    expect(body.databases.temporary).not.toHaveProperty('replicas');
    expect(body.databases.user!.replicas![1]).not.toHaveProperty('target');

    const detail = (await (await fetch(`${url}/health/db`)).json()) as DetailBody;
    expect(detail.databases.user).toMatchObject({
      state: 'ready',
      replicas: [
        { position: 1, state: 'ready', inRotation: true },
        { position: 2, state: 'down', inRotation: false },
      ],
    });
    expect(detail.databases.user!.replicas![1]).not.toHaveProperty('lastError');
    const text = JSON.stringify([body, detail]);
    expect(text).not.toContain(new URL(replica.url).password);
    expect(text).not.toContain('127.0.0.1');
  });

  test('with showTargets the replicas’ redacted targets and last errors are shown', async () => {
    const url = await startApp({ showTargets: true });
    const body = (await (await fetch(`${url}/readyz`)).json()) as ReadinessBody;
    expect(body.databases.user!.replicas!.map((r) => r.target)).toEqual([
      expect.stringMatching(/^postgresql:\/\/127\.0\.0\.1:\d+\/replica_health_replica_/),
      expect.stringMatching(/^postgresql:\/\/127\.0\.0\.1:\d+\//),
    ]);
    const detail = (await (await fetch(`${url}/health/db`)).json()) as DetailBody;
    expect(detail.databases.user!.replicas![1]).toMatchObject({ envVar: 'RDS_USER_READ_URL', lastError: expect.any(String) });
    expect(JSON.stringify([body, detail])).not.toContain(new URL(replica.url).password);
  });

  test('/metrics has per-replica series: up, in rotation, reads and fallbacks', async () => {
    const registry = new Registry();
    const url = await startApp({ metrics: registry });
    registerDbMetrics(registry, { manager });
    const client = (await manager.getClient('user')) as unknown as UserClient;
    // Round-robin: the first read goes to replica 1, the second to replica 2, which fails and falls back.
    expect((await client.user.findMany()).map((u) => u.email)).toEqual(['on-the-replica@example.com']);
    expect(await client.user.findMany()).toEqual([]);

    const samples = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
    expect(samples.get('kusto_db_replica_up{database="user",replica="1"}')).toBe(1);
    expect(samples.get('kusto_db_replica_up{database="user",replica="2"}')).toBe(0);
    expect(samples.get('kusto_db_replica_in_rotation{database="user",replica="1"}')).toBe(1);
    expect(samples.get('kusto_db_replica_in_rotation{database="user",replica="2"}')).toBe(0);
    expect(samples.get('kusto_db_replica_reads_total{database="user",replica="1"}')).toBe(1);
    expect(samples.get('kusto_db_replica_fallbacks_total{database="user",replica="2"}')).toBe(1);
    expect(samples.get('kusto_db_replica_pool_connections{database="user",replica="1",kind="total"}')).toBeGreaterThan(0);
    expect(samples.has('kusto_db_replica_check_latency_seconds{database="user",replica="1"}')).toBe(true);
    // The database itself stays up, and a database without replicas has no replica series.
    expect(samples.get('kusto_db_up{database="user"}')).toBe(1);
    expect([...samples.keys()].some((key) => key.startsWith('kusto_db_replica_') && key.includes('database="temporary"'))).toBe(false);
  });
});
