import { afterAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let child: ChildProcess | undefined;
let dataParent: string | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  if (dataParent) await rm(dataParent, { recursive: true, force: true });
});

function waitForLine(process: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    process.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    process.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code} before printing ${pattern}:\n${seen}`));
    });
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('with no RDS_* variables the demo starts its own Postgres, serves /healthz, and exits 0 on SIGTERM leaving no server behind', async () => {
  dataParent = await mkdtemp(path.join(os.tmpdir(), 'kusto-demo-test-'));
  await chmod(dataParent, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', KUSTO_DEMO_DATA_DIR: path.join(dataParent, 'pg') };
  delete env.RDS_USER_URL;
  delete env.RDS_TEMPORARY_URL;
  child = spawn(process.execPath, ['dist/main.js'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'inherit'] });

  const stdout: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
  const [, base] = await waitForLine(child, /listening on (http:\/\/[\d.]+:\d+)/);
  const printed = stdout.join('');
  const dbPort = Number(/database user: postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:(\d+)\/user/.exec(printed)?.[1]);
  expect(dbPort).toBeGreaterThan(0);
  expect(printed).toMatch(/database temporary: postgresql:\/\/postgres:\*\*\*\*@/);

  const response = await fetch(`${base}/healthz`);
  expect(response.status).toBe(200);
  expect(await portAccepts(dbPort)).toBe(true);

  const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(await portAccepts(dbPort)).toBe(false);
}, 120_000);
