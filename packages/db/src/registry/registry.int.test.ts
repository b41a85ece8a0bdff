import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { discoverDatabases } from '../discovery/discover.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';
import { defineRegistry, type DatabaseRegistry } from './registry.js';

// A manager given a registry (what `kusto-db generate` writes: the clients, adapters and drivers
// imported, the folder facts as data) runs from a folder without the database folders, as a bundled
// function does, on every provider with a real server here, and on SQLite.

const require = createRequire(import.meta.url);
const kits = await providerServers();

interface Client {
  user: { count(): Promise<number> };
}

/** A registry for `project`'s databases as the generated module builds it: the adapter and its driver imported, client classes loaded. */
function registryOf(project: string, adapter: string, driver: string): DatabaseRegistry {
  const adapterEntry = require.resolve(adapter);
  const discovery = discoverDatabases({ cwd: project });
  return defineRegistry({
    root: 'src/app/db',
    databases: Object.fromEntries(
      [...discovery.databases.values()].map((folder) => [
        folder.name,
        { PrismaClient: (require(path.join(folder.clientDir, 'index.js')) as { PrismaClient: unknown }).PrismaClient, dir: path.relative(project, folder.dir), schema: folder.schema },
      ]),
    ),
    modules: { [adapter]: require(adapterEntry) as unknown, [driver]: createRequire(adapterEntry)(driver) as unknown },
  });
}

let elsewhere: string;
const managers: KustoDb[] = [];

beforeAll(async () => {
  elsewhere = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-no-folders-'));
});

afterAll(async () => {
  await Promise.all(managers.map((manager) => manager.disconnectAll()));
  await fs.rm(elsewhere, { recursive: true, force: true });
});

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`a registry on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let url: string;
    let registry: DatabaseRegistry;

    beforeAll(async () => {
      const project = await fixtureProject({ main: schemaFor(kit.provider, USER_MODELS) });
      server = await kit.start();
      url = await server.createDatabase('registry');
      await server.exec(url, server.userTableSql);
      registry = kit.provider === 'mysql' ? registryOf(project, '@prisma/adapter-mariadb', 'mariadb') : registryOf(project, '@prisma/adapter-pg', 'pg');
    }, 120_000);

    afterAll(async () => {
      await server?.close();
    });

    test('serves from a folder without src/app/db, and lists the databases it holds', async () => {
      const manager = createKustoDb({ registry, cwd: elsewhere, env: { RDS_MAIN_URL: url } });
      managers.push(manager);
      expect(manager.names()).toEqual(['main']);
      const client = (await manager.getClient('main')) as unknown as Client;
      expect(await client.user.count()).toBe(0);
      expect(manager.status()[0]).toMatchObject({ name: 'main', provider: kit.provider, state: 'ready', envVar: 'RDS_MAIN_URL' });
    });
  });
}

describe('a registry on SQLite', () => {
  test('serves from a folder without src/app/db; a relative file: URL is relative to the registered folder under cwd', async () => {
    const project = await fixtureProject({ cache: schemaFor('sqlite', USER_MODELS) });
    const registry = registryOf(project, '@prisma/adapter-better-sqlite3', 'better-sqlite3');
    const folder = path.join(elsewhere, 'src', 'app', 'db', 'cache');
    await fs.mkdir(folder, { recursive: true });
    const Database = require('better-sqlite3') as new (file: string) => { exec(sql: string): void; close(): void };
    const file = new Database(path.join(folder, 'cache.db'));
    file.exec('CREATE TABLE "User" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL UNIQUE, "name" TEXT)');
    file.close();
    const manager = createKustoDb({ registry, cwd: elsewhere, env: { RDS_CACHE_URL: 'file:./cache.db' } });
    managers.push(manager);
    const client = (await manager.getClient('cache')) as unknown as Client;
    expect(await client.user.count()).toBe(0);
  });
});

test('an unknown name is refused with the registered ones and how to register it', async () => {
  const manager = createKustoDb({ registry: defineRegistry({ root: 'src/app/db', databases: {}, modules: {} }), cwd: elsewhere });
  await expect(manager.getClient('main')).rejects.toThrow(
    `Unknown database "main". The database registry holds no databases: after adding or renaming a folder under ${path.join(elsewhere, 'src/app/db')}, run \`kusto-db generate -a\` to write it again.`,
  );
});
