import { expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverDatabases } from '../discovery/discover.js';
import { fixtureProject, schemaFor, USER_MODELS, EVENT_MODELS } from '../test-support/fixture-project.js';
import { renderDatabaseTypes, writeDatabaseTypes } from './render-database-types.js';
import { typecheckUsage } from '@kusto/test-servers/prisma-fixtures';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

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
  const result = await typecheckUsage(
    project,
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
    path.join(packageDir, 'dist', 'index.d.ts'),
  );
  expect(result).toEqual({ code: 0, output: '' });
}, 60_000);
