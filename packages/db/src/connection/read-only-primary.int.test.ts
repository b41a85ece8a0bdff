import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { DatabaseUnavailableError } from '../errors.js';
import type { CircuitOpenEvent, ErrorEvent } from '../events.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';
import { classifyError, isConnectionFailure } from './classify-error.js';

// What an old writer looks like after an RDS/Aurora failover: the server answers, but accepts only
// reads. Caused for real on a server of this file's own, per provider: Postgres with
// `ALTER SYSTEM SET default_transaction_read_only = on` + reload, MySQL on MariaDB with
// `SET GLOBAL read_only = ON` (which binds users without the READ ONLY ADMIN privilege, so the app
// connects as a user of its own there; writes fail with 1290).

interface Users {
  user: { create(args: { data: { email: string } }): Promise<{ id: number }>; count(): Promise<number> };
}

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`a primary that turned read-only (failover) on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let project: string;
    let adminUrl: string;
    let appUrl: string;
    const managers: KustoDb[] = [];

    async function setReadOnly(on: boolean): Promise<void> {
      if (kit.provider === 'mysql') {
        await server.exec(adminUrl, `SET GLOBAL read_only = ${on ? 'ON' : 'OFF'}`);
        return;
      }
      await server.exec(adminUrl, on ? 'ALTER SYSTEM SET default_transaction_read_only = on' : 'ALTER SYSTEM RESET default_transaction_read_only', 'SELECT pg_reload_conf()');
      await sleep(200); // every backend has processed the reload
    }

    beforeAll(async () => {
      [server, project] = await Promise.all([kit.start(), fixtureProject({ main: schemaFor(kit.provider, USER_MODELS) })]);
      adminUrl = await server.createDatabase('read_only');
      await server.exec(adminUrl, server.userTableSql);
      appUrl = adminUrl;
      if (kit.provider === 'mysql') {
        const statements = ['%', 'localhost', '127.0.0.1'].flatMap((host) => [
          `CREATE USER IF NOT EXISTS 'kusto_app'@'${host}' IDENTIFIED BY 'app-secret'`,
          `GRANT ALL PRIVILEGES ON read_only.* TO 'kusto_app'@'${host}'`,
        ]);
        await server.exec(adminUrl, ...statements);
        const url = new URL(adminUrl);
        url.username = 'kusto_app';
        url.password = 'app-secret';
        appUrl = url.toString();
      }
    }, 120_000);

    afterEach(async () => {
      await Promise.all(managers.splice(0).map((m) => m.disconnectAll()));
      await setReadOnly(false);
    });

    afterAll(async () => {
      await server?.close();
    });

    test('a write fails as a connection-class failure; the check sees read-only, rebuilds, opens the circuit with the reason, readiness is false; once writable, a new client writes', async () => {
      const m = createKustoDb({
        cwd: project,
        env: { RDS_MAIN_URL: appUrl },
        profile: 'traditional',
        checkIntervalMs: 60_000,
        checkTimeoutMs: 3_000,
        maxRetries: 1,
        retryDelayMs: 20,
        cooldownMs: 200,
      });
      managers.push(m);
      const checkErrors: ErrorEvent[] = [];
      const openings: CircuitOpenEvent[] = [];
      m.on('error', (event) => event.during === 'check' && checkErrors.push(event));
      m.on('circuitOpen', (event) => openings.push(event));
      const before = (await m.getClient('main')) as unknown as Users;
      await before.user.create({ data: { email: 'before@example.com' } });

      await setReadOnly(true);
      const writeError = await before.user.create({ data: { email: 'during@example.com' } }).catch((error: unknown) => error);
      expect(classifyError(writeError)).toBe('readOnly');
      // So the error handler answers 503 + Retry-After, and marks the database suspect.
      expect(isConnectionFailure(writeError)).toBe(true);
      expect(m.reportError('main', writeError)).toBe(true);

      const unavailable = await m.getClient('main').catch((error: unknown) => error);
      expect(unavailable).toBeInstanceOf(DatabaseUnavailableError);
      expect((unavailable as Error).message).toMatch(kit.provider === 'mysql' ? /accepts only reads \(read_only = ON\)/ : /accepts only reads \(transaction_read_only = on\)/);
      expect(m.statusOf('main').state).toBe('down');
      expect(checkErrors.map((event) => event.kind)).toEqual(['readOnly', 'readOnly']);
      expect(openings).toHaveLength(1);
      expect(openings[0]!.error.message).toMatch(/read-only/);
      expect((await m.healthCheck({ databases: ['main'] })).healthy).toBe(false);

      await setReadOnly(false);
      await sleep(m.statusOf('main').retryAfterMs + 10);
      const after = (await m.getClient('main')) as unknown as Users;
      // Rebuilt: a new client over a new pool (new connections, so DNS finds the new writer).
      expect(after).not.toBe(before);
      await after.user.create({ data: { email: 'after@example.com' } });
      expect(m.statusOf('main')).toMatchObject({ state: 'ready', reconnectCount: 1 });
      expect((await m.healthCheck({ databases: ['main'] })).healthy).toBe(true);
    });
  });
}
