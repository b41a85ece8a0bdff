import { describe, expect, test } from '@jest/globals';
import { locateMariaDb, MARIADB_FALLBACK_PATHS, mariadbAvailability } from './binary.js';

const only = (...files: string[]) => (file: string) => files.includes(file);
const noContainer = () => Promise.resolve(false);

describe('locateMariaDb', () => {
  test('the binary option wins over MARIADB_BINARY, PATH and the fallbacks; install-db is found beside it', () => {
    const isExecutable = only('/opt/a/mariadbd', '/opt/a/mariadb-install-db', '/env/mariadbd', '/usr/bin/mariadb-install-db');
    const env = { MARIADB_BINARY: '/env/mariadbd', PATH: '/bin' };
    expect(locateMariaDb({ binary: '/opt/a/mariadbd', env, isExecutable })).toEqual({
      mariadbd: '/opt/a/mariadbd',
      installDb: '/opt/a/mariadb-install-db',
    });
    expect(locateMariaDb({ env, isExecutable })).toEqual({ mariadbd: '/env/mariadbd', installDb: '/usr/bin/mariadb-install-db' });
  });

  test('then mariadbd on PATH (absolute entries only), then /usr/sbin, then /usr/bin', () => {
    const env = { PATH: 'relative:/bin' };
    const installDb = '/usr/bin/mariadb-install-db';
    expect(locateMariaDb({ env, isExecutable: only('/bin/mariadbd', '/usr/sbin/mariadbd', installDb) })).toEqual({
      mariadbd: '/bin/mariadbd',
      installDb,
    });
    expect(locateMariaDb({ env, isExecutable: only('relative/mariadbd', '/usr/sbin/mariadbd', installDb) })).toEqual({
      mariadbd: '/usr/sbin/mariadbd',
      installDb,
    });
    expect(MARIADB_FALLBACK_PATHS).toEqual(['/usr/sbin/mariadbd', '/usr/bin/mariadbd']);
  });

  test('an explicit path that is not executable is reported, not skipped', () => {
    const isExecutable = only('/usr/sbin/mariadbd', '/usr/bin/mariadb-install-db');
    expect(locateMariaDb({ env: { MARIADB_BINARY: '/missing' }, isExecutable })).toEqual({
      reason: 'MARIADB_BINARY (/missing) is not an executable file',
    });
    expect(locateMariaDb({ binary: '/missing', env: {}, isExecutable })).toEqual({
      reason: 'the `binary` option (/missing) is not an executable file',
    });
  });

  test('a server without mariadb-install-db is reported', () => {
    expect(locateMariaDb({ env: { PATH: '' }, isExecutable: only('/usr/sbin/mariadbd') })).toEqual({
      reason: 'mariadb-install-db not found beside /usr/sbin/mariadbd, on PATH or in /usr/bin',
    });
  });
});

describe('mariadbAvailability', () => {
  test('says how to install MariaDB when it is nowhere and no container runtime answers', async () => {
    await expect(
      mariadbAvailability({ env: { PATH: '/bin' }, isExecutable: () => false, containerRuntime: noContainer }),
    ).resolves.toEqual({
      available: false,
      reason:
        'mariadbd not installed (apt-get install mariadb-server), or set MARIADB_BINARY to its path; no container runtime answers either',
    });
  });

  test('a container runtime is enough, and is preferred', async () => {
    await expect(
      mariadbAvailability({ env: {}, isExecutable: () => false, containerRuntime: () => Promise.resolve(true) }),
    ).resolves.toEqual({ available: true, backend: 'container' });
  });

  test('a program that does not answer --version with a MariaDB version is unavailable, with the reason', async () => {
    const result = await mariadbAvailability({
      binary: process.execPath,
      env: { PATH: '' },
      isExecutable: (file) => file === process.execPath || file === '/usr/bin/mariadb-install-db',
      containerRuntime: noContainer,
    });
    expect(result).toEqual({ available: false, reason: `${process.execPath} --version did not print a MariaDB version` });
  });
});
