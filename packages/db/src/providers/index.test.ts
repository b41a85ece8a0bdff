import { describe, expect, test } from '@jest/globals';
import { ADAPTER_PACKAGES, PROVIDERS, providerFor } from './index.js';

describe('the provider registry', () => {
  test('each datasource provider has one module and its adapter package', () => {
    expect(ADAPTER_PACKAGES).toEqual({
      postgresql: '@prisma/adapter-pg',
      cockroachdb: '@prisma/adapter-pg',
      mysql: '@prisma/adapter-mariadb',
      sqlite: '@prisma/adapter-better-sqlite3',
      sqlserver: '@prisma/adapter-mssql',
    });
    expect(PROVIDERS.map((provider) => provider.id)).toEqual(['postgres', 'mysql', 'sqlite', 'sqlserver']);
    expect(providerFor('cockroachdb')?.id).toBe('postgres');
    expect(providerFor('mongodb')).toBeUndefined();
  });

  test('health checks: SELECT 1, except SQLite, which reads its schema page', () => {
    expect(Object.fromEntries(PROVIDERS.map((provider) => [provider.id, provider.healthCheckSql]))).toEqual({
      postgres: 'SELECT 1',
      mysql: 'SELECT 1',
      sqlite: 'SELECT count(*) FROM sqlite_master',
      sqlserver: 'SELECT 1',
    });
  });
});
