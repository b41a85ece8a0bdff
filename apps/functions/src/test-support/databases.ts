import path from 'node:path';
import Database from 'better-sqlite3';
import { providerServers, type ProviderServer, type ProviderServerKit } from '@kusto/test-servers/testing';
import { emptyFolder } from './deploy.js';

/** The app's server databases and the provider each is on. */
export const SERVER_DATABASES = { main: 'postgresql', shop: 'mysql' } as const;
export type ServerDatabase = keyof typeof SERVER_DATABASES;

const ITEM_TABLE: Record<ProviderServer['provider'], string> = {
  postgresql: 'CREATE TABLE "Item" (id SERIAL PRIMARY KEY, name TEXT NOT NULL)',
  mysql: 'CREATE TABLE `Item` (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(191) NOT NULL)',
};

export interface FunctionDatabases {
  /** `RDS_<NAME>_URL` of every database that runs here. */
  readonly env: Record<string, string>;
  /** The running server of each server database; absent where its server cannot run here. */
  readonly servers: Partial<Record<ServerDatabase, ProviderServer>>;
  close(): Promise<void>;
}

/** The kit of each server database's provider. */
export async function kitsByDatabase(): Promise<Record<ServerDatabase, ProviderServerKit | undefined>> {
  const kits = await providerServers();
  return {
    main: kits.find((kit) => kit.provider === SERVER_DATABASES.main),
    shop: kits.find((kit) => kit.provider === SERVER_DATABASES.shop),
  };
}

/** Starts a server of its own for each server database (where it can run), an empty SQLite file for `cache`, each with its `Item` table. */
export async function startFunctionDatabases(label: string): Promise<FunctionDatabases> {
  const kits = await kitsByDatabase();
  const servers: Partial<Record<ServerDatabase, ProviderServer>> = {};
  const env: Record<string, string> = {};
  for (const name of Object.keys(SERVER_DATABASES) as ServerDatabase[]) {
    const kit = kits[name];
    if (!kit?.available) continue;
    const server = await kit.start();
    servers[name] = server;
    const url = await server.createDatabase(`${label}_${name}`);
    await server.exec(url, ITEM_TABLE[server.provider]);
    env[`RDS_${name.toUpperCase()}_URL`] = url;
  }
  const file = path.join(emptyFolder(`${label}-sqlite`), 'cache.db');
  const sqlite = new Database(file);
  sqlite.exec('CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL)');
  sqlite.close();
  env.RDS_CACHE_URL = `file:${file}`;
  return {
    env,
    servers,
    close: async () => {
      await Promise.all(Object.values(servers).map((server) => server.close()));
    },
  };
}
