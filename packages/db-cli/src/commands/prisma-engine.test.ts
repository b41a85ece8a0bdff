import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../cli.js';
import { capture, createProject, EVENT_MODELS, removeProject, REPLICA_MODELS, schemaFor, USER_MODELS } from '../test-support/project.js';
import type { PoolerProbeResult } from '@kusto/migrate';
import { datamodelsOf, datasourceUrlOf, installStubEngine, readEngineCalls, type EngineCall } from '../test-support/stub-engine.js';

// The real Prisma 7 CLI with PRISMA_SCHEMA_ENGINE_BINARY pointing at a recording stub: proves the
// datasource URL, the schema path and the flags that reach the schema engine for each command.

const URLS = {
  RDS_USER_URL: 'postgresql://app:user-secret@db.example:5432/user',
  RDS_ANALYTICS_EVENTS_URL: 'postgresql://app:events-secret@db.example:5432/events',
  RDS_READ_REPLICA_URL: 'postgresql://app:replica-secret@replica.example:5432/replica',
};

let project: string;
let engine: { binary: string; log: string };

const schemaPath = (database: string) => path.join(project, 'src/app/db', database, 'schema.prisma');

/** URLs the pooler probe was asked about, and what it answers (a direct server, unless a test says otherwise). */
const probe = { asked: [] as string[], verdict: 'direct' as PoolerProbeResult['verdict'] };

async function kusto(argv: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const output = capture();
  const exitCode = await runCli(argv, {
    cwd: project,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      PRISMA_SCHEMA_ENGINE_BINARY: engine.binary,
      STUB_ENGINE_LOG: engine.log,
      ...URLS,
      ...extraEnv,
    },
    io: output.io,
    interactive: false,
    poolerProbe: (url) => {
      probe.asked.push(url);
      return Promise.resolve({ verdict: probe.verdict, reason: 'the probe says so', connected: true, rounds: [], durationMs: 1 });
    },
  });
  return { exitCode, ...output, calls: readEngineCalls(engine.log) };
}

/** The engine start that received a JSON-RPC request (not the `cli can-connect-to-database` probe). */
function rpcCalls(calls: EngineCall[]): EngineCall[] {
  return calls.filter((call) => call.request !== null);
}

beforeAll(async () => {
  project = await createProject('engine', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    analyticsEvents: { 'schema.prisma': schemaFor('postgresql', EVENT_MODELS) },
    'read-replica': {
      'schema.prisma': schemaFor('postgresql', REPLICA_MODELS),
      'prisma.config.ts': `import { defineConfig } from 'prisma/config';
export default defineConfig({ schema: './schema.prisma', migrations: { path: './migrations' }, datasource: { url: process.env['RDS_READ_REPLICA_URL'] } });
`,
    },
  });
  engine = await installStubEngine(project);
});
afterAll(() => removeProject(project));
beforeEach(() => {
  fs.rmSync(engine.log, { force: true });
  probe.asked = [];
  probe.verdict = 'direct';
});

describe('every engine start gets the URL and schema of the database named by -d, never another', () => {
  test.each([
    ['push', ['push', '-d', 'analyticsEvents', '--force'], 'analyticsEvents', 'RDS_ANALYTICS_EVENTS_URL', 'schemaPush'],
    ['pull', ['pull', '-d', 'analyticsEvents', '--force'], 'analyticsEvents', 'RDS_ANALYTICS_EVENTS_URL', 'introspect'],
    ['migrate reset', ['migrate', '-t', 'reset', '-d', 'user', '--force'], 'user', 'RDS_USER_URL', 'reset'],
    ['its own prisma.config.ts', ['push', '-d', 'read-replica', '--force'], 'read-replica', 'RDS_READ_REPLICA_URL', 'schemaPush'],
  ] as const)('%s', async (_name, argv, database, envVar, method) => {
    const { exitCode, calls } = await kusto([...argv]);
    expect(exitCode).not.toBe(0);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(datasourceUrlOf(call)).toBe(URLS[envVar]);
    const [rpc] = rpcCalls(calls);
    expect(datamodelsOf(rpc!)).toEqual([schemaPath(database)]);
    expect(rpc!.request!.method).toBe(method);
  });
});

describe('flags reach the engine', () => {
  test('push without --accept-data-loss asks the engine not to force; with it, to force', async () => {
    await kusto(['push', '-d', 'user', '--force']);
    await kusto(['push', '-d', 'user', '--force', '--accept-data-loss']);
    expect(rpcCalls(readEngineCalls(engine.log)).map((call) => call.request!.params['force'])).toEqual([false, true]);
  });

  test('migrate dev first asks for the down diff (schema → database), then starts migrate dev, both on the same database', async () => {
    const { exitCode, calls } = await kusto(['migrate', '-t', 'dev', '-d', 'analyticsEvents', '-n', 'add events']);
    expect(exitCode).not.toBe(0);
    const rpcs = rpcCalls(calls);
    expect(rpcs.map((call) => call.request!.method)).toEqual(['diff', 'devDiagnostic']);
    expect(rpcs[0]!.request!.params).toMatchObject({
      from: { tag: 'schemaDatamodel', files: [{ path: schemaPath('analyticsEvents') }] },
      to: { tag: 'schemaDatasource' },
      script: true,
    });
    expect(rpcs[1]!.request!.params).toMatchObject({ migrationsList: { baseDir: path.join(project, 'src/app/db/analyticsEvents/migrations') } });
    for (const call of calls) expect(datasourceUrlOf(call)).toBe(URLS.RDS_ANALYTICS_EVENTS_URL);
  });

  test('migrate diff --from-empty --to-schema needs no database and passes the schema through', async () => {
    const { calls } = await kusto(['migrate', '-t', 'diff', '-d', 'user', '--from-empty', '--to-schema', 'src/app/db/user/schema.prisma', '--script']);
    const [rpc] = rpcCalls(calls);
    expect(rpc!.request).toMatchObject({
      method: 'diff',
      params: { from: { tag: 'empty' }, to: { tag: 'schemaDatamodel', files: [{ path: schemaPath('user') }] }, script: true },
    });
  });
});

describe('behind a connection pooler', () => {
  const POOLED = {
    RDS_USER_URL: 'postgresql://app:pool-secret@bouncer.example:6432/user?pgbouncer=true',
    RDS_READ_REPLICA_URL: 'postgresql://app:pool-secret@bouncer.example:6432/replica?pgbouncer=true',
  };
  const DIRECT = {
    RDS_USER_DIRECT_URL: 'postgresql://app:direct-secret@db.example:5432/user',
    RDS_READ_REPLICA_DIRECT_URL: 'postgresql://app:direct-secret@replica.example:5432/replica',
  };

  test.each([
    ['migrate reset', ['migrate', '-t', 'reset', '-d', 'user', '--force'], 'RDS_USER_DIRECT_URL'],
    ['migrate dev', ['migrate', '-t', 'dev', '-d', 'user', '-n', 'x'], 'RDS_USER_DIRECT_URL'],
    ['push', ['push', '-d', 'user', '--force'], 'RDS_USER_DIRECT_URL'],
    ['pull', ['pull', '-d', 'user', '--force'], 'RDS_USER_DIRECT_URL'],
    ['migrate diff --from-config-datasource', ['migrate', '-t', 'diff', '-d', 'user', '--from-config-datasource', '--to-empty'], 'RDS_USER_DIRECT_URL'],
    ["a folder's own prisma.config.ts (reads RDS_READ_REPLICA_URL)", ['push', '-d', 'read-replica', '--force'], 'RDS_READ_REPLICA_DIRECT_URL'],
  ] as const)('%s connects with the direct URL when it is set, never probing', async (_name, argv, directVar) => {
    const { calls, text } = await kusto([...argv], { ...POOLED, ...DIRECT });
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(datasourceUrlOf(call)).toBe(DIRECT[directVar]);
    expect(probe.asked).toEqual([]);
    expect(text()).not.toMatch(/pool-secret|direct-secret/);
  });

  test.each([
    ['migrate reset', ['migrate', '-t', 'reset', '-d', 'user', '--force']],
    ['migrate dev', ['migrate', '-t', 'dev', '-d', 'user', '-n', 'x']],
  ] as const)('%s (Prisma takes its migration lock) refuses a pooled URL alone before Prisma starts', async (_name, argv) => {
    const { exitCode, calls, err } = await kusto([...argv], POOLED);
    expect(exitCode).toBe(1);
    expect(calls).toEqual([]);
    expect(err.join('\n')).toMatch(/^kusto-db: Database "user" is reached through a transaction pooler \(the URL from RDS_USER_URL has pgbouncer=true\).*Set RDS_USER_DIRECT_URL .*\nNothing was run\.$/s);
    expect(err.join('\n')).not.toMatch(/pool-secret|\n\s+at /);
  });

  test('push (no migration lock) goes through the pooled URL when it is all there is', async () => {
    const { calls } = await kusto(['push', '-d', 'user', '--force'], POOLED);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(datasourceUrlOf(call)).toBe(POOLED.RDS_USER_URL);
  });

  test('without the flag, session commands ask the probe first; a pooler it finds is refused before Prisma starts', async () => {
    const ok = await kusto(['migrate', '-t', 'reset', '-d', 'user', '--force']);
    expect(probe.asked).toEqual([URLS.RDS_USER_URL]);
    expect(ok.calls.length).toBeGreaterThan(0);

    fs.rmSync(engine.log, { force: true });
    probe.verdict = 'transactionPooler';
    const refused = await kusto(['migrate', '-t', 'reset', '-d', 'user', '--force']);
    expect(refused.exitCode).toBe(1);
    expect(refused.calls).toEqual([]);
    expect(refused.err.join('\n')).toMatch(/RDS_USER_URL goes through a transaction pooler \(the probe says so\).*add pgbouncer=true to RDS_USER_URL to skip this probe/s);
  });
});
