import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { kusto } from '../test-support/runner-cli.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';
import { resolvePrismaBin } from './resolve-prisma.js';
import { findSchemaEngine } from './schema-engine.js';

// Commands that need Prisma's schema engine, on a machine where Prisma has none and cannot
// download one: they refuse at once, before any confirmation code, and say what works instead.

let project: string;
let emptyHome: string;
let closedPort: number;

/** An address nothing listens on: a port we bound and released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const prismaManifest = resolvePrismaBin(path.dirname(createRequire(import.meta.url).resolve('prisma/package.json'))).manifest;
const enginesDir = path.dirname(createRequire(prismaManifest).resolve('@prisma/engines/package.json'));
const hasInstalledEngine = (await fs.readdir(enginesDir)).some((name) => name.startsWith('schema-engine-'));

const offlineEnv = () =>
  baseEnv({
    HOME: emptyHome,
    XDG_CACHE_HOME: path.join(emptyHome, 'cache'),
    PRISMA_ENGINES_MIRROR: `http://127.0.0.1:${closedPort}`,
    RDS_USER_URL: 'postgresql://app:secret@127.0.0.1:1/user',
  });

beforeAll(async () => {
  project = await createProject('schema-engine', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  emptyHome = path.join(project, 'home');
  await fs.mkdir(emptyHome);
  closedPort = await freePort();
});
afterAll(() => removeProject(project));

const describeOffline = hasInstalledEngine ? describe.skip : describe;
describeOffline(`no engine installed (skipped when ${enginesDir} holds one)`, () => {
  test.each([
    ['push', ['push', '-d', 'user', '--force']],
    ['pull', ['pull', '-d', 'user', '--force']],
    ['migrate -t reset', ['migrate', '-t', 'reset', '-d', 'user', '--force']],
    ['migrate -t dev', ['migrate', '-t', 'dev', '-n', 'init', '-d', 'user']],
    ['migrate -t diff', ['migrate', '-t', 'diff', '-d', 'user', '--from-empty', '--to-schema', 'src/app/db/user/schema.prisma', '--script']],
  ])('%s refuses at once: engine not reachable, how to provide it, what works without it', async (action, argv) => {
    const run = await runKusto(project, argv, offlineEnv());
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`kusto-db ${action} needs Prisma's schema engine, which is not reachable`);
    expect(run.stderr).toContain(`cannot download one from http://127.0.0.1:${closedPort} (ECONNREFUSED)`);
    expect(run.stderr).toContain('set PRISMA_SCHEMA_ENGINE_BINARY');
    expect(run.stderr).toContain('Without it these work: kusto-db migrate -t deploy');
    expect(run.text).not.toContain('binaries.prisma.sh/');
    expect(run.text).not.toContain('⚠️'); // the warning before the confirmation codes never showed
  });

  test('in a terminal, reset asks for no code before refusing', async () => {
    const run = await kusto(project, ['migrate', '-t', 'reset', '-d', 'user'], { env: offlineEnv(), interactive: true });
    expect(run.exitCode).toBe(1);
    expect(run.asked).toEqual([]);
    expect(run.err.join('\n')).toContain("needs Prisma's schema engine, which is not reachable");
  });
});

test('PRISMA_SCHEMA_ENGINE_BINARY naming a missing file is refused, naming the variable', async () => {
  const run = await runKusto(project, ['push', '-d', 'user', '--force'], { ...offlineEnv(), PRISMA_SCHEMA_ENGINE_BINARY: '/nonexistent/schema-engine' });
  expect(run.exitCode).toBe(1);
  expect(run.stderr).toContain('PRISMA_SCHEMA_ENGINE_BINARY is set to /nonexistent/schema-engine, which does not exist');
});

test('findSchemaEngine: the variable, the cache, and a reachable download server all count as available', async () => {
  const base = { projectDir: project, cwd: project, prismaManifest };
  expect(await findSchemaEngine({ ...base, env: { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath } })).toEqual({
    state: 'available',
    source: 'env',
    path: process.execPath,
  });
  const hash = /\.([0-9a-f]{40})$/.exec(
    (JSON.parse(await fs.readFile(createRequire(path.join(enginesDir, 'package.json')).resolve('@prisma/engines-version/package.json'), 'utf8')) as { version: string }).version,
  )![1]!;
  const cacheHome = path.join(project, 'cache-home');
  const cached = path.join(cacheHome, 'prisma', 'master', hash, 'debian-openssl-3.0.x', 'schema-engine');
  await fs.mkdir(path.dirname(cached), { recursive: true });
  await fs.writeFile(cached, '');
  const fromCache = await findSchemaEngine({ ...base, env: { XDG_CACHE_HOME: cacheHome, PRISMA_ENGINES_MIRROR: `http://127.0.0.1:${closedPort}` } });
  expect(hasInstalledEngine || (fromCache.state === 'available' && fromCache.source === 'cache')).toBe(true);

  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const mirror = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const download = await findSchemaEngine({ ...base, env: { XDG_CACHE_HOME: path.join(project, 'nothing'), PRISMA_ENGINES_MIRROR: mirror } });
    expect(download.state).toBe('available');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
