import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_PGBOUNCER_MAX_CLIENT_CONN,
  DEFAULT_PGBOUNCER_POOL_MODE,
  DEFAULT_PGBOUNCER_POOL_SIZE,
  DEFAULT_PGBOUNCER_READY_TIMEOUT_MS,
  startPgBouncer,
  type StartPgBouncerOptions,
} from './start-pgbouncer.js';

const source = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'start-pgbouncer.ts'), 'utf8');

/** The TSDoc comment right above `readonly <option>?:` in StartPgBouncerOptions. */
function docOf(option: string): string {
  const match = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*readonly ${option}\\?:`).exec(source);
  if (!match) throw new Error(`no TSDoc for ${option}`);
  return match[1]!.replace(/\s*\*\s*/g, ' ');
}

const upstream = { host: '127.0.0.1', port: 1 };

describe('startPgBouncer options', () => {
  test('each documented default is the exported constant', () => {
    expect(docOf('poolMode')).toContain(`Default \`${DEFAULT_PGBOUNCER_POOL_MODE}\`.`);
    expect(docOf('defaultPoolSize')).toContain(`Default ${DEFAULT_PGBOUNCER_POOL_SIZE}.`);
    expect(docOf('maxClientConn')).toContain(`Default ${DEFAULT_PGBOUNCER_MAX_CLIENT_CONN}.`);
    expect(docOf('readyTimeoutMs')).toContain(`Default ${DEFAULT_PGBOUNCER_READY_TIMEOUT_MS.toLocaleString('en').replace(',', ' ')} ms.`);
    expect(docOf('binary')).toContain('`PGBOUNCER_BINARY` variable, else `pgbouncer` on `PATH`, else `/usr/sbin/pgbouncer`, else `/usr/bin/pgbouncer`');
    expect([DEFAULT_PGBOUNCER_POOL_MODE, DEFAULT_PGBOUNCER_POOL_SIZE, DEFAULT_PGBOUNCER_MAX_CLIENT_CONN]).toEqual(['transaction', 5, 1000]);
  });

  // Where PgBouncer is missing as where it is installed: the options are checked before the program is looked up.
  const nowhere = { PGBOUNCER_BINARY: '/nowhere/pgbouncer' };
  test.each<[string, StartPgBouncerOptions, RegExp]>([
    ['no password for a { host, port } upstream', { upstream }, /needs the server password/],
    ['an unknown pool mode', { upstream, password: 'x', poolMode: 'pipeline' as never }, /poolMode must be one of session, transaction, statement/],
    ['a pool of 0', { upstream, password: 'x', defaultPoolSize: 0 }, /defaultPoolSize must be a positive integer/],
    ['a fractional client limit', { upstream, password: 'x', maxClientConn: 1.5 }, /maxClientConn must be a positive integer/],
    ['a port out of range', { upstream, password: 'x', port: 70_000 }, /port must be a TCP port number/],
  ])('refuses %s before starting anything, even with no pgbouncer program', async (_, options, message) => {
    await expect(startPgBouncer({ ...options, env: nowhere })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(message),
    });
  });

  test('a missing program says how to install it', async () => {
    await expect(startPgBouncer({ upstream, password: 'x', env: { PGBOUNCER_BINARY: '/nowhere/pgbouncer' } })).rejects.toMatchObject({
      code: 'BINARIES_NOT_FOUND',
      message: 'Cannot start PgBouncer: PGBOUNCER_BINARY (/nowhere/pgbouncer) is not an executable file.',
    });
  });
});
