import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { findFreePort, startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { InvalidUrlError } from '../errors.js';
import type { ErrorEvent, ReplicaRotationEvent } from '../events.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import type { KustoDbOptions } from '../options.js';
import { fixtureProject, schemaFor } from '../test-support/fixture-project.js';

// Primary and replicas are separate real databases with the same tables and different rows, so
// every read says where it was answered: replication is not what is tested here, routing is.

const MODELS = `model Author {
  id    Int    @id @default(autoincrement())
  name  String @unique
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   Author @relation(fields: [authorId], references: [id])
}`;

interface Author {
  id: number;
  name: string;
}
interface Post {
  title: string;
}
interface Blog {
  author: {
    findMany(args?: object): Promise<Author[]>;
    findUnique(args: { where: { id?: number; name?: string } }): Promise<Author | null> & { posts(): Promise<Post[]> };
    findUniqueOrThrow(args: { where: { name: string } }): Promise<Author>;
    count(): Promise<number>;
    create(args: { data: { name: string } }): Promise<Author>;
  };
  $transaction<T>(work: (tx: Blog) => Promise<T>): Promise<T>;
  $transaction<T extends readonly unknown[]>(batch: [...{ [I in keyof T]: Promise<T[I]> }]): Promise<T>;
  $extends(extension: object): Blog;
  $queryRawUnsafe<T>(sql: string): Promise<T>;
  $primary(): Blog;
  $replica(): Blog;
}

const distEntry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'index.js');
let project: string;
let primary: TestDatabase;
let replicaA: TestDatabase;
let replicaB: TestDatabase;
let proxy: TcpProxy;
const managers: KustoDb[] = [];

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function seed(url: string, label: string): Promise<void> {
  await sql(url, 'CREATE TABLE "Author" (id serial PRIMARY KEY, name text UNIQUE NOT NULL)');
  await sql(url, 'CREATE TABLE "Post" (id serial PRIMARY KEY, title text NOT NULL, "authorId" int NOT NULL REFERENCES "Author"(id))');
  await sql(url, 'INSERT INTO "Author" (name) VALUES ($1)', [label]);
  await sql(url, `INSERT INTO "Post" (title, "authorId") VALUES ($1, 1)`, [`${label} post`]);
}

beforeAll(async () => {
  [project, primary, replicaA, replicaB] = await Promise.all([
    fixtureProject({ main: schemaFor('postgresql', MODELS) }),
    createTestDatabase('replicas_primary'),
    createTestDatabase('replicas_a'),
    createTestDatabase('replicas_b'),
  ]);
  await Promise.all([seed(primary.url, 'primary'), seed(replicaA.url, 'replica-a'), seed(replicaB.url, 'replica-b')]);
  const server = new URL(primary.url);
  proxy = await startTcpProxy({ targetHost: server.hostname, targetPort: Number(server.port) });
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.disconnectAll()));
  proxy.heal();
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([primary?.drop(), replicaA?.drop(), replicaB?.drop()]);
});

const FAST: KustoDbOptions = {
  profile: 'traditional',
  checkIntervalMs: 50,
  checkTimeoutMs: 1_500,
  retryDelayMs: 20,
  cooldownMs: 200,
  pool: { connectionTimeoutMillis: 1_000 },
};

function manager(readUrls: readonly string[], options: KustoDbOptions = {}): KustoDb {
  const m = createKustoDb({
    cwd: project,
    env: { RDS_MAIN_URL: primary.url, RDS_MAIN_READ_URL: readUrls.join(',\n ') },
    ...FAST,
    ...options,
  });
  managers.push(m);
  return m;
}

const blog = async (m: KustoDb) => (await m.getClient('main')) as unknown as Blog;
const names = (authors: Author[]) => authors.map((author) => author.name);

describe('one replica', () => {
  test('reads see the replica, writes land on the primary', async () => {
    const m = manager([replicaA.url]);
    const client = await blog(m);
    expect(names(await client.author.findMany())).toEqual(['replica-a']);
    expect(await client.author.count()).toBe(1);

    const created = await client.author.create({ data: { name: 'written-through-routing' } });
    expect(created.name).toBe('written-through-routing');
    const onPrimary = await sql<{ name: string }>(primary.url, 'SELECT name FROM "Author" WHERE name = $1', ['written-through-routing']);
    const onReplica = await sql<{ name: string }>(replicaA.url, 'SELECT name FROM "Author" WHERE name = $1', ['written-through-routing']);
    expect(onPrimary).toHaveLength(1);
    expect(onReplica).toHaveLength(0);
    // Replication lag, simulated: the write is not on the replica, so a routed read does not see it.
    expect(names(await client.author.findMany())).toEqual(['replica-a']);
    await sql(primary.url, 'DELETE FROM "Author" WHERE name = $1', ['written-through-routing']);

    expect(m.statusOf('main').replicas).toEqual([
      expect.objectContaining({ position: 1, state: 'ready', inRotation: true, reads: 3, fallbacks: 0, envVar: 'RDS_MAIN_READ_URL' }),
    ]);
  });

  test('$primary() reads the primary; $replica() is a replica; raw queries go to the primary', async () => {
    const m = manager([replicaA.url]);
    const client = await blog(m);
    expect(names(await client.$primary().author.findMany())).toEqual(['primary']);
    expect(names(await client.$replica().author.findMany())).toEqual(['replica-a']);
    expect(names(await client.$replica().$primary().author.findMany())).toEqual(['primary']);
    const raw = await client.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM "Author"');
    expect(raw.map((row) => row.name)).toEqual(['primary']);
    // getClientSync routes the same way.
    const sync = m.getClientSync('main') as unknown as Blog;
    expect(names(await sync.author.findMany())).toEqual(['replica-a']);
  });

  test('inside transactions every read sees the primary, and $primary() stays in the transaction', async () => {
    const m = manager([replicaA.url]);
    const client = await blog(m);
    const inside = await client.$transaction(async (tx) => {
      await tx.author.create({ data: { name: 'uncommitted' } });
      expect(tx.$primary()).toBe(tx);
      // Sees its own uncommitted write: the read ran in the transaction, on the primary.
      return names(await tx.$primary().author.findMany());
    });
    expect(inside.sort()).toEqual(['primary', 'uncommitted']);
    await sql(primary.url, 'DELETE FROM "Author" WHERE name = $1', ['uncommitted']);

    const [authors, count] = await client.$transaction([client.author.findMany(), client.author.count()]);
    expect(names(authors)).toEqual(['primary']);
    expect(count).toBe(1);
  });

  test('an extension added to the routed client shapes the reads a replica answers; $primary() and $replica() keep it', async () => {
    const m = manager([replicaA.url]);
    const client = await blog(m);
    // A soft-delete-like filter (hides "replica-a") and a computed field: what apps put in extensions.
    const extended = client.$extends({
      query: { author: { findMany: ({ args, query }: { args: object; query: (args: object) => Promise<unknown> }) => query({ ...args, where: { name: { not: 'replica-a' } } }) } },
      result: { author: { shout: { needs: { name: true }, compute: (author: Author) => author.name.toUpperCase() } } },
    });
    // Answered by the replica, with the filter applied: its only row is hidden.
    expect(await extended.author.findMany()).toEqual([]);
    expect(m.statusOf('main').replicas[0]).toMatchObject({ reads: 1, fallbacks: 0 });
    expect(await extended.$replica().author.findMany()).toEqual([]);
    const onPrimary = (await extended.$primary().author.findMany()) as (Author & { shout: string })[];
    expect(onPrimary.map(({ name, shout }) => ({ name, shout }))).toEqual([{ name: 'primary', shout: 'PRIMARY' }]);
    // Inside a transaction of the extended client: the primary, with the filter.
    expect(await extended.$transaction(async (tx) => names(await tx.author.findMany()))).toEqual(['primary']);
    // The routed client itself is unchanged.
    expect(names(await client.author.findMany())).toEqual(['replica-a']);
  });

  test('a fluent relation read through a replica returns the relation, as on the primary', async () => {
    const client = await blog(manager([replicaA.url]));
    expect((await client.author.findUnique({ where: { id: 1 } }).posts()).map((post) => post.title)).toEqual(['replica-a post']);
    expect((await client.$primary().author.findUnique({ where: { id: 1 } }).posts()).map((post) => post.title)).toEqual(['primary post']);
  });

  test('a query error from a replica is the caller’s, and the replica stays in rotation', async () => {
    const m = manager([replicaA.url]);
    const client = await blog(m);
    const error = await client.author.findUniqueOrThrow({ where: { name: 'nobody' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'P2025' });
    // Only the replica has this row: a fallback to the primary would have thrown instead.
    expect((await client.author.findUniqueOrThrow({ where: { name: 'replica-a' } })).name).toBe('replica-a');
    expect(m.statusOf('main').replicas[0]).toMatchObject({ inRotation: true, fallbacks: 0 });
  });

  test('a read that fails on the replica with a connection-class error is answered by the primary, and the replica comes back', async () => {
    // One connection per pool and a short acquire timeout: while the replica's only connection is
    // held, a routed read cannot get one (a connection-class failure of the read itself, not of a check).
    const m = manager([replicaA.url], { checkIntervalMs: 60_000, pool: { max: 1, connectionTimeoutMillis: 300 } });
    const client = await blog(m);
    expect(names(await client.author.findMany())).toEqual(['replica-a']);
    const replica = client.$replica() as unknown as {
      $transaction<T>(work: (tx: Blog) => Promise<T>, options: { timeout: number }): Promise<T>;
    };
    const holding = replica.$transaction((tx) => tx.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(1)'), { timeout: 5_000 });
    await sleep(100);
    expect(names(await client.author.findMany())).toEqual(['primary']);
    expect(m.statusOf('main').replicas[0]).toMatchObject({ inRotation: false, fallbacks: 1 });
    await holding;

    let seen: string[] = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(50)) {
      seen = names(await client.author.findMany());
      if (seen[0] === 'replica-a') break;
    }
    expect(seen).toEqual(['replica-a']);
  });

  test('replica down: reads fall back to the primary without an error, the database stays ready, and the replica returns after heal', async () => {
    const m = manager([proxy.url(replicaA.url)]);
    const primaryErrors: ErrorEvent[] = [];
    const rotation: ReplicaRotationEvent[] = [];
    const replicaErrors: number[] = [];
    m.on('error', (event) => primaryErrors.push(event));
    m.on('replicaRotation', (event) => rotation.push(event));
    m.on('replicaError', ({ replica }) => replicaErrors.push(replica));
    const client = await blog(m);
    expect(names(await client.author.findMany())).toEqual(['replica-a']);

    proxy.blackhole();
    await sleep(FAST.checkIntervalMs! + 10);
    expect(names(await client.author.findMany())).toEqual(['primary']);
    expect(names(await client.author.findMany())).toEqual(['primary']);

    const status = m.statusOf('main');
    expect(status.state).toBe('ready');
    expect(status.replicas[0]).toMatchObject({ position: 1, inRotation: false, state: 'down', fallbacks: 1 });
    expect(status.replicas[0]!.lastError).toEqual(expect.any(String));
    expect(status.replicas[0]!.target).toMatch(/^postgresql:\/\/127\.0\.0\.1:\d+\/replicas_a_/);
    expect(JSON.stringify(status)).not.toContain(new URL(replicaA.url).password);
    const report = await m.healthCheck();
    expect(report.healthy).toBe(true);
    expect(report.databases.main).toMatchObject({ healthy: true, replicas: [{ position: 1, healthy: false, inRotation: false }] });
    // The replica's failure is reported as the replica's, never as the primary's.
    expect(primaryErrors).toEqual([]);
    expect(replicaErrors).toContain(1);
    expect(rotation[0]).toMatchObject({ database: 'main', replica: 1, inRotation: false });
    // With no replica in rotation, $replica() is the primary.
    expect(names(await client.$replica().author.findMany())).toEqual(['primary']);

    proxy.heal();
    let seen: string[] = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(50)) {
      seen = names(await client.author.findMany());
      if (seen[0] === 'replica-a') break;
    }
    expect(seen).toEqual(['replica-a']);
    expect(m.statusOf('main').replicas[0]).toMatchObject({ inRotation: true, state: 'ready' });
    expect(rotation.at(-1)).toMatchObject({ replica: 1, inRotation: true });
    expect(primaryErrors).toEqual([]);
  });
});

describe('a replica that is read-only, as replicas are', () => {
  test('stays in rotation and healthy: only a primary must accept writes', async () => {
    const database = new URL(replicaA.url).pathname.slice(1);
    await sql(primary.url, `ALTER DATABASE "${database}" SET default_transaction_read_only = on`);
    try {
      const m = manager([replicaA.url]);
      const client = await blog(m);
      expect(names(await client.author.findMany())).toEqual(['replica-a']);
      expect(await client.$replica().$queryRawUnsafe('SHOW transaction_read_only')).toEqual([{ transaction_read_only: 'on' }]);
      const report = await m.healthCheck();
      expect(report.databases.main).toMatchObject({ healthy: true, replicas: [{ position: 1, healthy: true, inRotation: true }] });
      expect(names(await client.author.findMany())).toEqual(['replica-a']);
    } finally {
      await sql(primary.url, `ALTER DATABASE "${database}" RESET default_transaction_read_only`);
    }
  });
});

// A replica that goes silent, and one nothing listens on: provider-replicas.int.test.ts (every provider).

describe('two replicas', () => {
  test('reads alternate between them', async () => {
    const client = await blog(manager([replicaA.url, replicaB.url]));
    const answered: string[] = [];
    for (let i = 0; i < 6; i++) answered.push(...names(await client.author.findMany()));
    expect(new Set(answered)).toEqual(new Set(['replica-a', 'replica-b']));
    for (let i = 1; i < answered.length; i++) expect(answered[i]).not.toBe(answered[i - 1]);
  });

  test('one unreachable from the start: no read fails, and the other takes every read once it is out of rotation', async () => {
    const nothingListens = new URL(replicaB.url);
    nothingListens.port = String(await findFreePort());
    const m = manager([nothingListens.toString(), replicaA.url]);
    const client = await blog(m);
    const answered: string[] = [];
    for (let i = 0; i < 6; i++) answered.push(...names(await client.author.findMany()));
    expect(answered.every((name) => name === 'replica-a' || name === 'primary')).toBe(true);
    expect(answered.slice(-3)).toEqual(['replica-a', 'replica-a', 'replica-a']);
    expect(m.statusOf('main').replicas.map((r) => [r.position, r.inRotation])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect((await m.healthCheck()).healthy).toBe(true);
  });
});

describe('without replicas', () => {
  test('$primary() and $replica() are the client itself, invisible to enumeration, and survive $extends and $transaction', async () => {
    const m = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: primary.url }, ...FAST });
    managers.push(m);
    const client = await blog(m);
    expect(m.getClientSync('main')).toBe(client); // the real client, not an extension of it
    expect(client.$primary()).toBe(client);
    expect(client.$replica()).toBe(client);
    expect(Object.keys(client)).not.toContain('$primary');
    const extended = client.$extends({});
    expect(extended.$primary()).toBe(extended);
    expect(names(await extended.$primary().author.findMany())).toEqual(['primary']);
    await client.$transaction(async (tx) => {
      expect(tx.$primary()).toBe(tx);
      expect(tx.$replica()).toBe(tx);
      await Promise.resolve();
    });
    expect(m.statusOf('main').replicas).toEqual([]);
    expect((await m.healthCheck()).databases.main?.replicas).toEqual([]);
  });
});

describe('configuration', () => {
  test('an invalid read URL fails the first use, naming the variable and the position, never the URL', async () => {
    const m = manager([replicaA.url, 'mysql://app:n0t-a-secret@replica:3306/app']);
    const error = (await m.getClient('main').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidUrlError);
    expect(error.message).toMatch(/from RDS_MAIN_READ_URL, replica 2 of 2\) is not valid: scheme "mysql:" does not match/);
    expect(error.message).not.toContain('n0t-a-secret');
    expect(error.message).not.toContain('replica:3306');
    expect(() => m.getClientSync('main')).toThrow(InvalidUrlError);
  });

  test('status() lists configured replicas before first use, redacted', () => {
    const m = manager([replicaA.url, replicaB.url]);
    const replicas = m.statusOf('main').replicas;
    expect(replicas.map((r) => [r.position, r.state, r.inRotation])).toEqual([
      [1, 'idle', true],
      [2, 'idle', true],
    ]);
    expect(replicas[0]!.target).toBe(`postgresql://${new URL(replicaA.url).host}${new URL(replicaA.url).pathname}`);
    expect(JSON.stringify(replicas)).not.toContain(new URL(replicaA.url).password);
  });

  test('disconnectAll() closes the replicas too: the process exits by itself', async () => {
    const script = `
      const { createKustoDb } = await import(${JSON.stringify(distEntry)});
      const db = createKustoDb({ cwd: process.argv[1], profile: 'traditional', env: { RDS_MAIN_URL: process.argv[2], RDS_MAIN_READ_URL: process.argv[3] } });
      const client = await db.getClient('main');
      const authors = await client.author.findMany();
      await db.disconnectAll();
      console.log(authors.map((a) => a.name).join(','), db.statusOf('main').replicas[0].state);
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, project, primary.url, replicaA.url], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('replica-a closed');
  });
});
