import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { HEALTH_DEFAULTS } from '../defaults.js';
import { COOLDOWN_JITTER_FLOOR } from './backoff.js';
import { isConnectionFailure } from './classify-error.js';
import { DatabaseUnavailableError } from '../errors.js';
import { createKustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';

// A real 30 s outage (the server stopped behind a TCP proxy that counts every connection attempt),
// with the default health settings, on each provider with a real server here: the circuit must not
// grow so long that recovery lags the server, and the probes must stay few.

const OUTAGE_MS = 30_000;

interface Probe {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`an outage of ${OUTAGE_MS / 1_000} s under steady traffic, default health settings, on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
  let server: ProviderServer;
  let proxy: TcpProxy;
  let project: string;
  let directUrl: string;

  beforeAll(async () => {
    [server, project] = await Promise.all([kit.start(), fixtureProject({ main: schemaFor(kit.provider, USER_MODELS) })]);
    directUrl = await server.createDatabase('long_outage');
    proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  test('the circuit never stays open longer than maxCooldownMs, the server sees at most ~2 connection attempts per second, and the first call after one cooldown works', async () => {
    const m = createKustoDb({
      cwd: project,
      env: { RDS_MAIN_URL: proxy.url(directUrl) },
      profile: 'traditional',
      checkIntervalMs: 50,
      checkTimeoutMs: 3_000, // the first check of a new client also loads Prisma's query compiler
    });
    const openings: number[] = [];
    m.on('circuitOpen', ({ retryAfterMs }) => openings.push(retryAfterMs));
    const query = async () => {
      const client = (await m.getClient('main')) as unknown as Probe;
      await client.$queryRawUnsafe('SELECT 1');
    };
    try {
      await query();

      await server.stop();
      const acceptedBefore = proxy.acceptedCount;
      const outcomes: unknown[] = [];
      // A caller every 50 ms: every cooldown that ends finds one to probe with (the worst case for probe rate).
      for (const end = Date.now() + OUTAGE_MS; Date.now() < end; await sleep(50)) {
        outcomes.push(await query().then(() => 'ok', (error: unknown) => error));
      }
      const attempts = proxy.acceptedCount - acceptedBefore;

      // Every call failed, as an outage (the first may meet the cached client and fail on its own
      // query, with a connection-class error: 503 material too), never as a query error.
      expect(outcomes.filter((outcome) => !(outcome instanceof DatabaseUnavailableError) && !isConnectionFailure(outcome))).toEqual([]);
      expect(outcomes.filter((outcome) => outcome instanceof DatabaseUnavailableError).length).toBeGreaterThan(outcomes.length - 3);
      expect(openings.length).toBeGreaterThan(10);
      expect(Math.max(...openings)).toBeLessThanOrEqual(HEALTH_DEFAULTS.maxCooldownMs);
      // Jitter: not every opening lasts the same, so a fleet's probes spread out.
      expect(new Set(openings).size).toBeGreaterThan(1);
      // One connection per probe, a probe at most every ⅔ of the cooldown (2 per second at the
      // defaults); the first failure's retries (maxRetries 3) come on top.
      const atMost = OUTAGE_MS / (COOLDOWN_JITTER_FLOOR * HEALTH_DEFAULTS.maxCooldownMs);
      expect(atMost).toBeLessThanOrEqual((2 * OUTAGE_MS) / 1_000 + 1);
      expect(attempts).toBeLessThanOrEqual(atMost + 1 + 3);
      expect(attempts).toBeGreaterThan(OUTAGE_MS / 1_000 / 2);

      await server.start();
      // Whatever the outage's length, the circuit lets the next probe through within one cooldown.
      const retryAfterMs = m.statusOf('main').retryAfterMs;
      expect(retryAfterMs).toBeLessThanOrEqual(HEALTH_DEFAULTS.maxCooldownMs);
      await sleep(retryAfterMs + 10);
      await query();
      expect(m.statusOf('main')).toMatchObject({ state: 'ready', consecutiveFailures: 0, reconnectCount: 1 });
    } finally {
      await m.disconnectAll();
    }
  }, OUTAGE_MS + 60_000);
  });
}
