import { afterAll, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createProject, packageDir, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';

// The Prisma a project has installed is the one kusto-db runs: a later 7.x patch than Prisma's
// generator packages (prisma 7.10.1 while @prisma/client-generator-js/-ts exist only as 7.10.0)
// generates with that CLI and says so in one line; another major version is refused before anything
// runs. Each project gets its own node_modules/prisma (and @prisma/client), as `npm i` would put them.

const projects: string[] = [];
afterAll(() => Promise.all(projects.map((project) => removeProject(project))));
const env = () => baseEnv({ PRISMA_SCHEMA_ENGINE_BINARY: process.execPath });
const installed = (alias: string) => path.join(packageDir, 'node_modules', alias);

const prismaClientSchema = schemaFor('postgresql', USER_MODELS).replace('provider = "prisma-client-js"', 'provider = "prisma-client"');

async function projectWith(prefix: string, packages: Readonly<Record<string, string>>): Promise<string> {
  const project = await createProject(prefix, {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    modern: { 'schema.prisma': prismaClientSchema },
  });
  projects.push(project);
  for (const [name, alias] of Object.entries(packages)) {
    await fs.mkdir(path.dirname(path.join(project, 'node_modules', name)), { recursive: true });
    await fs.symlink(await fs.realpath(installed(alias)), path.join(project, 'node_modules', name), 'dir');
  }
  return project;
}

test('prisma 7.10.1 in the project: generate runs that Prisma CLI, says why in one line, and the clients are 7.10.1', async () => {
  const project = await projectWith('prisma-7-10-1', { prisma: 'prisma-7-10-1', '@prisma/client': 'prisma-client-7-10-1' });
  const run = await runKusto(project, ['generate', '-a'], env(), 120_000);
  expect(run.text).toMatch(
    /^Generating with the Prisma CLI 7\.10\.1, one run per database: the project has prisma 7\.10\.1 and kusto-db carries Prisma's generator 7\.10\.0, whose client would name 7\.10\.0\.$/m,
  );
  expect(run.stdout).toMatch(/^✔ user generate ok \([^)]*\)$/m);
  expect(run.stdout).toMatch(/^✔ modern generate ok \([^)]*\)$/m);
  expect(run.exitCode).toBe(0);
  expect(await fs.readFile(path.join(project, 'src/app/db/user/client/index.js'), 'utf8')).toContain('"clientVersion": "7.10.1"');
  expect(await fs.readFile(path.join(project, 'src/app/db/modern/client/internal/class.ts'), 'utf8')).toContain('"clientVersion": "7.10.1"');
}, 180_000);

test.each([
  ['generate', ['generate', '-a']],
  ['validate', ['validate', '--no-env']],
])('prisma 6 in the project: %s is refused before anything runs, with the one-line fix', async (_command, argv) => {
  const project = await projectWith(`prisma-6-${argv[0]}`, { prisma: 'prisma6' });
  const run = await runKusto(project, argv, env());
  expect(run.exitCode).toBe(1);
  // The root line every command starts with, then the refusal alone.
  const [root, ...refusal] = run.stderr.trim().split('\n');
  expect(root).toMatch(/^Databases under .*src\/app\/db$/);
  expect(refusal.join('\n')).toMatch(
    /^kusto-db: This project has prisma 6\.19\.0 \(.*node_modules\/prisma\/package\.json\); kusto-db needs Prisma 7\. Install it: pnpm add -D prisma@\^7 && pnpm add @prisma\/client@\^7$/,
  );
  expect(run.stdout).toBe('');
  await expect(fs.access(path.join(project, 'src/app/db/user/client'))).rejects.toThrow();
}, 60_000);
