import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { discoverDatabases } from '../discovery/discover.js';
import { fixtureProject, schemaFor, USER_MODELS, EVENT_MODELS } from '../test-support/fixture-project.js';
import { renderDatabaseTypes, writeDatabaseTypes } from './render-database-types.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

test('the rendered declaration quotes names that are not identifiers', () => {
  const text = renderDatabaseTypes(
    [
      { name: 'read-replica', clientDir: '/p/src/app/db/read-replica/client' },
      { name: 'user', clientDir: '/p/src/app/db/user/client' },
    ] as never,
    '/p/src/kusto-databases.d.ts',
  );
  expect(text).toContain('import type { PrismaClient as ReadReplicaClient0 } from "./app/db/read-replica/client/index.js";');
  expect(text).toContain('    "read-replica": ReadReplicaClient0;');
  expect(text).toContain("declare module '@kusto/db' {");
});

test('with the generated declaration getClient is typed per database and an unknown name does not compile', async () => {
  const project = await fixtureProject({
    user: schemaFor('postgresql', USER_MODELS),
    'read-replica': schemaFor('postgresql', EVENT_MODELS),
  });
  const discovery = discoverDatabases({ cwd: project });
  await writeDatabaseTypes(discovery.databases.values(), path.join(project, 'src', 'kusto-databases.d.ts'));
  await fs.writeFile(
    path.join(project, 'src', 'usage.ts'),
    `import { createKustoDb } from '@kusto/db';
const db = createKustoDb();
export async function run(): Promise<void> {
  const users = await db.getClient('user');
  const found: { email: string } | null = await users.user.findUnique({ where: { id: 1 } });
  const replica = db.getClientSync('read-replica');
  const count: number = await replica.event.count();
  // @ts-expect-error -- not a database
  await db.getClient('usr');
  // @ts-expect-error -- the user database has no event model
  await users.event.count();
  void found; void count;
}
`,
  );
  await fs.writeFile(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        noEmit: true,
        skipLibCheck: true,
        types: [],
        paths: { '@kusto/db': [path.join(packageDir, 'dist', 'index.d.ts')] },
      },
      include: ['src/usage.ts', 'src/kusto-databases.d.ts'],
    }),
  );
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', project]).then(
    () => ({ code: 0, output: '' }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
  expect(result).toEqual({ code: 0, output: '' });
}, 60_000);
