import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { removeProject } from '../test-support/project.js';
import { createRunnerProject, kusto } from '../test-support/runner-cli.js';
import { baseEnv, startKusto } from '../test-support/spawn-cli.js';
import { canOpenBrowser } from './studio.js';

// `kusto-db studio` as the seed writes it, with the real Prisma Studio, on a machine without a
// display (no DISPLAY, no xdg-open): Studio must serve the SQLite file the relative URL names.

let project: string;

const URL_VARIABLES = { RDS_LITE_URL: 'file:./dev.db' };

beforeAll(async () => {
  // The file and its one row come from kusto-db itself (a migration), as in a real project.
  project = await createRunnerProject(
    'studio',
    { lite: { migrations: { '20240101000000_item': { up: 'CREATE TABLE "Item" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "Item" ("id") VALUES (7);\n' } } } },
    'sqlite',
  );
  const deploy = await kusto(project, ['migrate', '-t', 'deploy', '-d', 'lite', '--wait', '0', '--force'], { env: URL_VARIABLES });
  expect(deploy.exitCode).toBe(0);
});
afterAll(() => removeProject(project));

test('a browser is opened only where there is a display (or macOS, Windows, WSL)', () => {
  expect(canOpenBrowser({}, 'linux')).toBe(false);
  expect(canOpenBrowser({ DISPLAY: ':0' }, 'linux')).toBe(true);
  expect(canOpenBrowser({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
  expect(canOpenBrowser({ WSL_DISTRO_NAME: 'Ubuntu' }, 'linux')).toBe(true);
  expect(canOpenBrowser({}, 'darwin')).toBe(true);
});

test('studio -d lite without a display prints the URL instead of crashing, and Studio reads the file the relative file: URL names', async () => {
  const env = baseEnv(URL_VARIABLES);
  delete env.DISPLAY;
  const child = startKusto(project, ['studio', '-d', 'lite'], env);
  let output = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    const url = await new Promise<string | undefined>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Prisma Studio is running at:\s*(http:\/\/localhost:\d+)/.exec(output);
        if (match) resolve(match[1]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void closed.then(() => resolve(undefined));
    });
    expect({ url, output }).toEqual({ url: expect.stringMatching(/^http:\/\/localhost:\d+$/), output: expect.any(String) });
    const response = await fetch(`${url!}/bff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ procedure: 'query', query: { sql: 'SELECT "id" FROM "Item"', parameters: [] } }),
    });
    expect(await response.json()).toEqual([null, [{ id: 7 }]]);
    expect(output).toContain('No display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset): open the URL Prisma Studio prints below yourself.');
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(output).not.toMatch(/ENOENT|not supported|was not found|at .*node:internal/);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 90_000);
