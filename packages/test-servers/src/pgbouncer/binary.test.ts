import { describe, expect, test } from '@jest/globals';
import { locatePgBouncer, PGBOUNCER_FALLBACK_PATHS, pgbouncerAvailability } from './binary.js';

const only = (...files: string[]) => (file: string) => files.includes(file);

describe('locatePgBouncer', () => {
  test('the binary option wins over PGBOUNCER_BINARY, PATH and the fallbacks', () => {
    const isExecutable = only('/opt/a/pgbouncer', '/env/pgbouncer', '/bin/pgbouncer', '/usr/sbin/pgbouncer');
    const env = { PGBOUNCER_BINARY: '/env/pgbouncer', PATH: '/bin' };
    expect(locatePgBouncer({ binary: '/opt/a/pgbouncer', env, isExecutable })).toEqual({ binary: '/opt/a/pgbouncer' });
    expect(locatePgBouncer({ env, isExecutable })).toEqual({ binary: '/env/pgbouncer' });
  });

  test('then pgbouncer on PATH (absolute entries only), then /usr/sbin, then /usr/bin', () => {
    const env = { PATH: 'relative:/nothing:/bin' };
    expect(locatePgBouncer({ env, isExecutable: only('/bin/pgbouncer', '/usr/sbin/pgbouncer') })).toEqual({ binary: '/bin/pgbouncer' });
    expect(locatePgBouncer({ env, isExecutable: only('relative/pgbouncer', '/usr/bin/pgbouncer') })).toEqual({
      binary: '/usr/bin/pgbouncer',
    });
    expect(PGBOUNCER_FALLBACK_PATHS).toEqual(['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']);
  });

  test('an explicit path that is not executable is reported, not skipped', () => {
    const isExecutable = only('/usr/sbin/pgbouncer');
    expect(locatePgBouncer({ env: { PGBOUNCER_BINARY: '/missing' }, isExecutable })).toEqual({
      reason: 'PGBOUNCER_BINARY (/missing) is not an executable file',
    });
    expect(locatePgBouncer({ binary: '/missing', env: {}, isExecutable })).toEqual({
      reason: 'the `binary` option (/missing) is not an executable file',
    });
  });
});

describe('pgbouncerAvailability', () => {
  test('says how to install PgBouncer when it is nowhere', async () => {
    await expect(pgbouncerAvailability({ env: { PATH: '/bin' }, isExecutable: () => false })).resolves.toEqual({
      available: false,
      reason: 'pgbouncer not installed (apt-get install pgbouncer), or set PGBOUNCER_BINARY to its path',
    });
  });

  test('a program that does not answer --version with a PgBouncer version is unavailable, with the reason', async () => {
    const result = await pgbouncerAvailability({ binary: process.execPath, env: {} });
    expect(result).toEqual({ available: false, reason: `${process.execPath} --version did not print a PgBouncer version` });
  });
});
