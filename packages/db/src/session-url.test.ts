import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MissingUrlError, SessionUnavailableError } from './errors.js';
import { createKustoDb } from './manager.js';

// `sessionUrl()` reads only the configuration: no server, no generated client needed.

let project: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-session-url-'));
  const dir = path.join(project, 'src/app/db/main');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'schema.prisma'),
    'generator client {\n provider = "prisma-client-js"\n output = "client"\n}\ndatasource db {\n provider = "postgresql"\n}\n',
  );
});

afterAll(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

const POOLED = 'postgresql://app:pool-secret@bouncer:6432/main?pgbouncer=true';
const DIRECT = 'postgresql://app:direct-secret@server:5432/main';
const sessionUrl = (env: NodeJS.ProcessEnv) => createKustoDb({ cwd: project, env }).sessionUrl('main');

test('the direct URL when set; else the main URL when it declares no pooler', () => {
  expect(sessionUrl({ RDS_MAIN_URL: POOLED, RDS_MAIN_DIRECT_URL: DIRECT })).toBe(DIRECT);
  expect(sessionUrl({ RDS_MAIN_URL: DIRECT })).toBe(DIRECT);
  expect(createKustoDb({ cwd: project, env: {}, databases: { main: { url: POOLED, directUrl: DIRECT } } }).sessionUrl('main')).toBe(DIRECT);
});

test('a pooled main URL alone is refused, naming the variable to set and no secret', () => {
  expect(() => sessionUrl({ RDS_MAIN_URL: POOLED })).toThrow(SessionUnavailableError);
  expect(() => sessionUrl({ RDS_MAIN_URL: POOLED })).toThrow(/the URL from RDS_MAIN_URL has pgbouncer=true.*Set RDS_MAIN_DIRECT_URL/s);
  expect(() => sessionUrl({ RDS_MAIN_URL: POOLED })).not.toThrow(/pool-secret/);
  expect(() => sessionUrl({})).toThrow(MissingUrlError);
});

test('a direct URL that itself declares a pooler is refused too, never handed out for session work', () => {
  const run = () => sessionUrl({ RDS_MAIN_URL: POOLED, RDS_MAIN_DIRECT_URL: `${DIRECT}?pgbouncer=true` });
  expect(run).toThrow(SessionUnavailableError);
  expect(run).toThrow(/the URL from RDS_MAIN_DIRECT_URL has pgbouncer=true.*Set RDS_MAIN_DIRECT_URL to a URL that reaches the server directly/s);
  expect(run).not.toThrow(/direct-secret/);
});
