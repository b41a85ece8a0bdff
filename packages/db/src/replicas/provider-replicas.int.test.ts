import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort, startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import type { ReplicaRotationEvent } from '../events.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import type { KustoDbOptions } from '../options.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';

// Read replicas on every provider with a real server here (MariaDB skipped, with the reason, where
// it cannot run). Primary and replica are two databases of one real server with the same table and
// different rows, so every read says where it was answered: routing is tested, not replication.
// The replica goes silent for real (the TCP proxy stops answering) or cannot be reached at all.

interface User {
  email: string;
}
interface Client {
  user: {
    findMany(): Promise<User[]>;
    create(args: { data: { email: string } }): Promise<User>;
  };
}

const FAST: KustoDbOptions = {
  profile: 'traditional',
  checkIntervalMs: 50,
  checkTimeoutMs: 3_000, // the first check of a new client also loads Prisma's query compiler
  retryDelayMs: 20,
  cooldownMs: 200,
  pool: { connectionTimeoutMillis: 1_000 },
};

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`read replicas on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let proxy: TcpProxy;
    let project: string;
    let primaryUrl: string;
    let replicaUrl: string;
    const managers: KustoDb[] = [];
    const table = kit.provider === 'mysql' ? '`User`' : '"User"';

    beforeAll(async () => {
      [server, project] = await Promise.all([kit.start(), fixtureProject({ main: schemaFor(kit.provider, USER_MODELS) })]);
      [primaryUrl, replicaUrl] = await Promise.all([server.createDatabase('replicas_primary'), server.createDatabase('replicas_replica')]);
      await server.exec(primaryUrl, server.userTableSql, `INSERT INTO ${table} (email) VALUES ('primary')`);
      await server.exec(replicaUrl, server.userTableSql, `INSERT INTO ${table} (email) VALUES ('replica')`);
      proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
    }, 120_000);

    afterEach(async () => {
      await Promise.all(managers.splice(0).map((m) => m.disconnectAll()));
      proxy.heal();
    });

    afterAll(async () => {
      await proxy?.close();
      await server?.close();
    });

    function manager(readUrl: string, options: KustoDbOptions = {}): KustoDb {
      const m = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: primaryUrl, RDS_MAIN_READ_URL: readUrl }, ...FAST, ...options });
      managers.push(m);
      return m;
    }
    const emails = (users: User[]) => users.map((user) => user.email);

    test('model reads are answered by the replica, writes land on the primary', async () => {
      const client = (await manager(replicaUrl).getClient('main')) as unknown as Client;
      expect(emails(await client.user.findMany())).toEqual(['replica']);
      await client.user.create({ data: { email: 'written' } });
      const onPrimary = await server.rows<{ email: string }>(primaryUrl, `SELECT email FROM ${table} WHERE email = 'written'`);
      const onReplica = await server.rows<{ email: string }>(replicaUrl, `SELECT email FROM ${table} WHERE email = 'written'`);
      expect(onPrimary).toHaveLength(1);
      expect(onReplica).toHaveLength(0);
      await server.exec(primaryUrl, `DELETE FROM ${table} WHERE email = 'written'`);
    });

    test('a replica that goes silent: the read is bounded by pool.queryTimeoutMillis and answered by the primary; the replica stays out of rotation until its probe succeeds', async () => {
      // A 60 s interval: the read itself meets the silent socket, not a health check.
      const m = manager(proxy.url(replicaUrl), { checkIntervalMs: 60_000, pool: { queryTimeoutMillis: 1_000, connectionTimeoutMillis: 1_000 } });
      const rotation: ReplicaRotationEvent[] = [];
      m.on('replicaRotation', (event) => rotation.push(event));
      const client = (await m.getClient('main')) as unknown as Client;
      expect(emails(await client.user.findMany())).toEqual(['replica']);

      proxy.blackhole();
      expect(emails(await client.user.findMany())).toEqual(['primary']);
      expect(m.statusOf('main').replicas[0]).toMatchObject({ inRotation: false, fallbacks: 1 });
      expect(rotation).toMatchObject([{ replica: 1, inRotation: false }]);
      // Still silent: its probes fail, and reads keep going to the primary.
      await sleep(1_500);
      expect(emails(await client.user.findMany())).toEqual(['primary']);
      expect(m.statusOf('main').replicas[0]!.inRotation).toBe(false);
      expect(m.statusOf('main').state).toBe('ready');

      proxy.heal();
      let seen: string[] = [];
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(50)) {
        seen = emails(await client.user.findMany());
        if (seen[0] === 'replica') break;
      }
      expect(seen).toEqual(['replica']);
      expect(rotation.at(-1)).toMatchObject({ replica: 1, inRotation: true });
    }, 60_000);

    test('a replica nothing listens on: no read fails, the primary answers them', async () => {
      const nowhere = new URL(replicaUrl);
      nowhere.port = String(await findFreePort());
      const client = (await manager(nowhere.toString()).getClient('main')) as unknown as Client;
      for (let i = 0; i < 4; i++) expect(emails(await client.user.findMany())).toEqual(['primary']);
    });
  });
}
