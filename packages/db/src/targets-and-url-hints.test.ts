import { afterEach, beforeEach, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKustoDb } from './manager.js';
import { MISENCODED_URL_TARGET } from './naming/redact-url.js';

let project: string;

const schema = (provider: string) =>
  `generator client {\n provider = "prisma-client-js"\n output = "client"\n}\ndatasource db {\n provider = "${provider}"\n}\n`;

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-status-targets-'));
  for (const [name, provider] of [
    ['user', 'postgresql'],
    ['shop', 'mysql'],
    ['cache', 'sqlite'],
  ]) {
    fs.mkdirSync(path.join(project, 'src/app/db', name!), { recursive: true });
    fs.writeFileSync(path.join(project, 'src/app/db', name!, 'schema.prisma'), schema(provider!));
  }
});

afterEach(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

test('status() targets show scheme, host, port and database only: no password read as a host or path, no query values, SQLite as written', async () => {
  const db = createKustoDb({
    cwd: project,
    env: {
      RDS_USER_URL: 'postgresql://app:5432/LEAKpw@127.0.0.1:5432/user',
      RDS_USER_DIRECT_URL: 'postgresql://app:pw@127.0.0.1:5433/user?sslpassword=LEAKssl',
      RDS_USER_READ_URL: 'postgresql://app:5432/LEAKread@127.0.0.1:5434/user',
      RDS_SHOP_URL: 'mysql://app:pw@127.0.0.1:3306/shop?sslkey=LEAKkey',
      RDS_CACHE_URL: 'file:./cache.db',
    },
  });
  const status = Object.fromEntries(db.status().map((entry) => [entry.name, entry]));
  expect(status.user).toMatchObject({
    target: MISENCODED_URL_TARGET,
    direct: { target: 'postgresql://127.0.0.1:5433/user?sslpassword' },
    replicas: [{ target: MISENCODED_URL_TARGET }],
  });
  expect(status.shop!.target).toBe('mysql://127.0.0.1:3306/shop?sslkey');
  expect(status.cache!.target).toBe('file:./cache.db');
  expect(JSON.stringify(status)).not.toMatch(/LEAK/);
  await db.disconnectAll();
});

test('a missing URL is explained with an example URL of the database’s own provider', () => {
  const db = createKustoDb({ cwd: project, env: {} });
  expect(() => db.getClientSync('shop')).toThrow(/set the environment variable RDS_SHOP_URL \(e\.g\. RDS_SHOP_URL=mysql:\/\/user:password@host:3306\/shop\)/);
  expect(() => db.getClientSync('cache')).toThrow(/\(e\.g\. RDS_CACHE_URL=file:\.\/dev\.db\)/);
  expect(() => db.getClientSync('user')).toThrow(/\(e\.g\. RDS_USER_URL=postgresql:\/\/user:password@host:5432\/user\)/);
});
