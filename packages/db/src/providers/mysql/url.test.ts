import { describe, expect, test } from '@jest/globals';
import { parseDatabaseUrl } from '../../connection/database-url.js';
import { InvalidUrlError } from '../../errors.js';
import { mysqlPoolConfig } from './adapter.js';
import { mysqlConnectionSettings } from './url.js';

const pool = { max: 7, min: 1, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 4_000, allowExitOnIdle: false, keepAlive: true, maxLifetimeSeconds: 0, queryTimeoutMillis: 10_000 };
const request = (url: string) => ({ database: 'shop', provider: 'mysql', url, urlSource: 'RDS_SHOP_URL', schema: undefined, pool, dir: '/app/db/shop', onConnectionError: () => undefined });

describe('MySQL URLs', () => {
  test('host, port, credentials and database come from the URL; Prisma parameters become settings', () => {
    expect(mysqlConnectionSettings('shop', 'X', 'mysql://app:p%40ss@db.internal:3307/shop?socket_timeout=3&sslaccept=strict')).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'app',
      password: 'p@ss',
      database: 'shop',
      socketTimeout: 3_000,
      ssl: { rejectUnauthorized: true },
    });
    expect(mysqlConnectionSettings('shop', 'X', 'mariadb://h/')).toMatchObject({ host: 'h', port: 3306, user: undefined, database: undefined });
  });

  test('the pool options map onto the connector: limit, minimum idle, idle seconds, both timeouts, keep-alive', () => {
    expect(mysqlPoolConfig(request('mysql://app:pw@h:3306/shop'))).toMatchObject({
      connectionLimit: 7,
      minimumIdle: 1,
      idleTimeout: 30,
      acquireTimeout: 4_000,
      connectTimeout: 4_000,
      keepAliveDelay: 10_000,
      prepareCacheLength: 0,
      logParam: false,
    });
    expect(mysqlPoolConfig({ ...request('mysql://h/shop'), pool: { ...pool, keepAlive: false } })).toMatchObject({ keepAliveDelay: 0 });
    // The connector opens connections only to keep `minimumIdle` idle: 0 would never open one.
    expect(mysqlPoolConfig({ ...request('mysql://h/shop'), pool: { ...pool, min: 0 } })).toMatchObject({ minimumIdle: 1 });
  });

  test('connection_limit, pool_timeout and connect_timeout are read as for Postgres', () => {
    const parsed = parseDatabaseUrl('shop', 'mysql', 'mysql://app:pw@h:3306/shop?connection_limit=3&pool_timeout=2&connect_timeout=4', 'RDS_SHOP_URL');
    expect(parsed.pool).toEqual({ max: 3, connectionTimeoutMillis: 4_000 });
    expect(parsed.url).toBe('mysql://app:pw@h:3306/shop');
  });

  test('an unknown parameter is one clear error naming the database, the variable and what to do, never the password', () => {
    const parse = () => parseDatabaseUrl('shop', 'mysql', 'mysql://app:hunter2@h:3306/shop?connectionLimit=5', 'RDS_SHOP_URL');
    expect(parse).toThrow(InvalidUrlError);
    expect(parse).toThrow(/database "shop" \(from RDS_SHOP_URL\).*unknown parameter "connectionLimit" for a MySQL URL; supported: connection_limit/);
    expect(parse).toThrow(/Remove it, or pass your own adapter/);
    expect(parse).not.toThrow(/hunter2/);
  });

  test('a file: URL for a MySQL schema says to use a mysql:// URL or change the provider', () => {
    const parse = () => parseDatabaseUrl('shop', 'mysql', 'file:./dev.db', 'RDS_SHOP_URL');
    expect(parse).toThrow(
      'The URL of database "shop" (from RDS_SHOP_URL) is not valid: scheme "file:" does not match provider "mysql" (expected mysql: or mariadb:): ' +
        'set RDS_SHOP_URL to a URL like mysql://user:password@host:3306/name, or change the datasource provider in schema.prisma to "sqlite" if that is the database you mean.',
    );
  });

  test('bad values of known parameters are named', () => {
    expect(() => parseDatabaseUrl('shop', 'mysql', 'mysql://h/shop?sslaccept=maybe', 'X')).toThrow(/sslaccept must be "strict" or "accept_invalid_certs"/);
    expect(() => parseDatabaseUrl('shop', 'mysql', 'mysql://h/shop?socket_timeout=soon', 'X')).toThrow(/socket_timeout="soon"/);
  });
});
