import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { executeSql } from './execute-sql.js';

// A read-only `execute` on a SQLite database whose file does not exist: there is no server, so the
// advice is about the file, not "check that the server runs".

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-sqlite-missing-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a missing SQLite file says the file is missing and how to create it, never to check a server', async () => {
  const result = await executeSql({ url: 'file:./cache.db', provider: 'sqlite', database: 'cache', baseDir: dir, sql: 'SELECT 1 AS one' });
  expect(result.ok).toBe(false);
  expect(result.error?.message).toMatch(/does not exist/);
  expect(result.error?.message).toMatch(/Check the file path in its URL .*kusto-db migrate -t deploy/);
  expect(result.error?.message).not.toMatch(/server runs/);
  expect(fs.existsSync(path.join(dir, 'cache.db'))).toBe(false);
});
