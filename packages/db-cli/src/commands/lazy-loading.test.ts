import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv, cliArgv } from '../test-support/spawn-cli.js';

// Start-up: `kusto-db list` in a child process loads list's module and what it needs, not the
// other commands' (the time it saves is measured side by side in bench/benchmarks/cli.mjs).

let project: string;

beforeAll(async () => {
  project = await createProject('lazy', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  // A module hook that writes every module the process resolves to a file.
  await fs.writeFile(
    path.join(project, 'hook.mjs'),
    `import fs from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  fs.appendFileSync(process.env.LOADED_LOG, result.url + '\\n');\n  return result;\n}\n`,
  );
  await fs.writeFile(path.join(project, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(project, 'hook.mjs')).href)});\n`);
});
afterAll(() => removeProject(project));

async function modulesLoadedBy(argv: readonly string[]): Promise<string[]> {
  const log = path.join(project, `loaded-${argv.join('-')}.log`);
  const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(project, 'register.mjs')).href, ...cliArgv(argv)], {
    cwd: project,
    env: baseEnv({ LOADED_LOG: log }),
    stdio: 'ignore',
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect(code).toBe(0);
  return (await fs.readFile(log, 'utf8')).split('\n').filter((url) => url.includes('/packages/db-cli/src/'));
}

test('list loads no other command, no migration runner and no Prisma runner', async () => {
  const loaded = await modulesLoadedBy(['list']);
  expect(loaded.some((url) => url.endsWith('/commands/list.ts'))).toBe(true);
  const others = loaded.filter((url) => /\/commands\/(?!list\.ts|index\.ts|migrate\.ts$)|\/migrations\/|\/prisma\/|\/safety\//.test(url));
  expect(others).toEqual([]);
});

test('--help loads every command, so it can list them', async () => {
  const loaded = await modulesLoadedBy(['--help']);
  for (const command of ['list', 'generate', 'seed', 'execute', 'rollback', 'migrate/deploy']) {
    expect(loaded.some((url) => url.endsWith(`/commands/${command}.ts`))).toBe(true);
  }
});
