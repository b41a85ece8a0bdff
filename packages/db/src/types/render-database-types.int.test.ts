import { expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverDatabases } from '../discovery/discover.js';
import { parseSchema } from '../discovery/schema-file.js';
import { fixtureProject, schemaFor, USER_MODELS, EVENT_MODELS } from '../test-support/fixture-project.js';
import { renderDatabaseTypes, writeDatabaseTypes } from './render-database-types.js';
import { typecheckUsage } from '@kusto/test-servers/prisma-fixtures';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the rendered declaration quotes names that are not identifiers', () => {
  const text = renderDatabaseTypes(
    [
      { name: 'read-replica', clientDir: '/p/src/app/db/read-replica/client', schema: parseSchema(schemaFor('postgresql', EVENT_MODELS)) },
      { name: 'user', clientDir: '/p/src/app/db/user/client', schema: parseSchema(schemaFor('postgresql', USER_MODELS)) },
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

/** The same schema for Prisma 7's `prisma-client` generator (what `prisma init` writes), into `generated`. */
const prismaClientSchema = (provider: string, models: string) =>
  schemaFor(provider, models).replace('provider = "prisma-client-js"', 'provider = "prisma-client"').replace('output   = "client"', 'output   = "generated"');

test('a prisma-client output is typed too (its client.ts, imported as its own modules import each other), beside a prisma-client-js one', async () => {
  const project = await fixtureProject({
    user: prismaClientSchema('postgresql', USER_MODELS),
    events: schemaFor('sqlite', EVENT_MODELS),
  });
  const discovery = discoverDatabases({ cwd: project });
  const file = await writeDatabaseTypes(discovery.databases.values(), path.join(project, 'src', 'kusto-databases.d.ts'));
  // Prisma chose `.js` imports from this package's tsconfig (NodeNext); the map follows the client.
  expect(await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8'))).toContain(
    'import type { PrismaClient as UserClient1 } from "./app/db/user/generated/client.js";',
  );
  const usage = (name: string) => `import { createKustoDb } from '@kusto/db';
const db = createKustoDb();
export async function run(): Promise<void> {
  const users = await db.getClient(${JSON.stringify(name)});
  const found: { email: string } | null = await users.user.findUnique({ where: { id: 1 } });
  const count: number = await db.getClientSync('events').event.count();
  void found; void count;
}
`;
  expect(await typecheckUsage(project, usage('user'), path.join(packageDir, 'dist', 'index.d.ts'))).toEqual({ code: 0, output: '' });
  const misspelled = await typecheckUsage(project, usage('usr'), path.join(packageDir, 'dist', 'index.d.ts'));
  expect(misspelled.code).not.toBe(0);
  expect(misspelled.output).toMatch(/usage\.ts\(4,\d+\): error TS2345: Argument of type '"usr"' is not assignable to parameter of type 'keyof KustoDatabases'/);
}, 60_000);
