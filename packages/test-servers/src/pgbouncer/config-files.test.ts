import { describe, expect, test } from '@jest/globals';
import { TestServerError } from '../errors.js';
import { renderIni, renderUserlist, type PgBouncerIniConfig } from './config-files.js';

const config: PgBouncerIniConfig = {
  listenHost: '127.0.0.1',
  listenPort: 6543,
  upstreamHost: '127.0.0.1',
  upstreamPort: 5433,
  adminUser: 'postgres',
  poolMode: 'transaction',
  defaultPoolSize: 5,
  maxClientConn: 1000,
  authFile: '/tmp/x/userlist.txt',
  logFile: '/tmp/x/pgbouncer.log',
  pidFile: '/tmp/x/pgbouncer.pid',
  settings: {},
};

const lines = (ini: string) => ini.split('\n');

describe('renderIni', () => {
  test('a wildcard database to the upstream server, SCRAM from the userlist, no Unix socket', () => {
    const ini = lines(renderIni(config));
    expect(ini).toEqual(
      expect.arrayContaining([
        '[databases]',
        '* = host=127.0.0.1 port=5433',
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        'listen_port = 6543',
        'unix_socket_dir = ',
        'auth_type = scram-sha-256',
        'auth_file = /tmp/x/userlist.txt',
        'admin_users = postgres',
        'pool_mode = transaction',
        'default_pool_size = 5',
        'max_client_conn = 1000',
        'logfile = /tmp/x/pgbouncer.log',
        'pidfile = /tmp/x/pgbouncer.pid',
      ]),
    );
  });

  test('extra settings are added and override our defaults', () => {
    const ini = lines(renderIni({ ...config, settings: { auth_type: 'md5', query_wait_timeout: 5 } }));
    expect(ini).toContain('auth_type = md5');
    expect(ini).not.toContain('auth_type = scram-sha-256');
    expect(ini).toContain('query_wait_timeout = 5');
  });

  test('refuses settings we manage, names that are not settings, multi-line values and odd hosts', () => {
    expect(() => renderIni({ ...config, settings: { listen_port: 1 } })).toThrow(/"listen_port" is managed by startPgBouncer/);
    expect(() => renderIni({ ...config, settings: { pool_mode: 'session' } })).toThrow(TestServerError);
    expect(() => renderIni({ ...config, settings: { 'x = 1\n[databases]': 1 } })).toThrow(/is not a setting name/);
    expect(() => renderIni({ ...config, settings: { server_lifetime: '1\nlisten_port = 2' } })).toThrow(/on one line/);
    expect(() => renderIni({ ...config, upstreamHost: 'h port=1' })).toThrow(/is not a host name/);
  });
});

describe('renderUserlist', () => {
  test('quotes the user and the plain password, doubling embedded quotes', () => {
    expect(renderUserlist('postgres', 'se"cret')).toBe('"postgres" "se""cret"\n');
    expect(() => renderUserlist('postgres', 'two\nlines')).toThrow(/on one line/);
  });
});
