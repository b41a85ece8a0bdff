import { afterAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptsTcp, startPostgres, type PostgresServer } from '@kusto/test-servers';

// The demo as a newcomer runs it (the built app that `npm run demo` starts), in a child process,
// with no RDS_* variables: it starts, migrates and seeds its own embedded Postgres.
const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children: ChildProcess[] = [];
let dataParent: string;
let replacement: PostgresServer | undefined;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await replacement?.close();
  if (dataParent) await rm(dataParent, { recursive: true, force: true });
});

interface RunningDemo {
  readonly base: string;
  readonly dbPort: number;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;
}

async function startDemo(dataDir: string): Promise<RunningDemo> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', KUSTO_DEMO_DATA_DIR: dataDir, DEMO_REQUEST_LOG: 'off' };
  delete env.RDS_USER_URL;
  delete env.RDS_TEMPORARY_URL;
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`the demo exited with ${code} before listening:\n${output}`));
    });
  });
  const dbPort = Number(/database user: postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:(\d+)\/user/.exec(output)?.[1]);
  return { base, dbPort, output: () => output, exited, child };
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('zero set-up: serve, survive its Postgres stopping and starting, exit 0 on SIGTERM, and reuse the data on the next start', async () => {
  dataParent = await mkdtemp(path.join(os.tmpdir(), 'kusto-demo-e2e-'));
  await chmod(dataParent, 0o755); // the postgres user must reach the data dir
  const dataDir = path.join(dataParent, 'pg');

  const demo = await startDemo(dataDir);
  expect(demo.output()).toMatch(/user: applied 20261127100000_create_users, 20261127100100_add_posts/);
  expect(demo.output()).toMatch(/user seed: user database seeded: 2 users/);
  expect(demo.output()).not.toMatch(new RegExp(`:[^*@/]{8,}@127`)); // URLs are printed redacted

  const created = await post(`${demo.base}/users`, { email: 'newcomer@example.com', name: 'Newcomer' });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: number };
  expect(await (await fetch(`${demo.base}/users/${id}`)).json()).toMatchObject({ email: 'newcomer@example.com' });
  expect(((await (await fetch(`${demo.base}/temporary`)).json()) as unknown[]).length).toBe(1);
  expect((await fetch(`${demo.base}/readyz`)).status).toBe(200);

  // Stop the embedded server under the running app (fast shutdown, as a crash or failover would).
  const postmasterPid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  process.kill(postmasterPid, 'SIGINT');
  await until(async () => !(await acceptsTcp(demo.dbPort)), 'the database port to close');

  await until(async () => (await fetch(`${demo.base}/users`)).status === 503, 'database routes to answer 503');
  const unavailable = await fetch(`${demo.base}/users`);
  expect(unavailable.status).toBe(503);
  expect(Number(unavailable.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await unavailable.json()).toMatchObject({ error: 'Database temporarily unavailable', database: 'user' });
  expect((await fetch(`${demo.base}/temporary`)).status).toBe(503);
  expect((await fetch(`${demo.base}/healthz`)).status).toBe(200);
  expect((await fetch(`${demo.base}/readyz`)).status).toBe(503);

  // Start Postgres again on the same data and port: the app recovers without a restart.
  replacement = await startPostgres({ backend: 'embedded', dataDir, port: demo.dbPort });
  await until(async () => (await fetch(`${demo.base}/users/${id}`)).status === 200, 'the routes to recover');
  // `temporary` had no traffic: its circuit may stay open one more cooldown (≤ 750 ms) before readiness probes it.
  await until(async () => (await fetch(`${demo.base}/readyz`)).status === 200, 'readiness to recover');
  await replacement.close();
  replacement = undefined;

  demo.child.kill('SIGTERM');
  expect(await demo.exited).toBe(0);

  // Second start: same data dir, no migration or seed to run, and the newcomer is still there.
  const again = await startDemo(dataDir);
  expect(again.output()).toMatch(/user: migrations up to date/);
  expect(again.output()).not.toMatch(/seed:/);
  expect(await (await fetch(`${again.base}/users/${id}`)).json()).toMatchObject({ email: 'newcomer@example.com' });
  again.child.kill('SIGTERM');
  expect(await again.exited).toBe(0);
  expect(again.output()).toMatch(/stopped/);
  expect(await acceptsTcp(again.dbPort)).toBe(false);
}, 180_000);
