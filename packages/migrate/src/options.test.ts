import { describe, expect, it } from '@jest/globals';
import type { DatabaseFolder } from '@kusto/db';
import { UnsupportedMigrationProviderError } from './errors.js';
import { MIGRATION_PROVIDERS, MIGRATOR_DEFAULTS, migratorOptionsForFolder, resolveMigratorConfig } from './options.js';

describe('resolveMigratorConfig', () => {
  it('applies the documented defaults', () => {
    const config = resolveMigratorConfig({ database: 'user', url: 'postgresql://localhost/user', migrationsDir: '/m' });
    expect(MIGRATOR_DEFAULTS).toEqual({ provider: 'postgresql', lockTimeoutMs: 60_000, connectTimeoutMs: 10_000 });
    expect(config).toMatchObject(MIGRATOR_DEFAULTS);
    expect(config.clock()).toBeInstanceOf(Date);
    expect(config.generateId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps 0 when given (defaults use ??)', () => {
    const config = resolveMigratorConfig({ database: 'user', url: 'postgresql://localhost/user', migrationsDir: '/m', lockTimeoutMs: 0 });
    expect(config.lockTimeoutMs).toBe(0);
  });

  it('has a dialect for PostgreSQL, MySQL/MariaDB and SQLite', () => {
    expect(Object.keys(MIGRATION_PROVIDERS).sort()).toEqual(['mysql', 'postgresql', 'sqlite']);
    for (const provider of ['mysql', 'sqlite']) {
      expect(resolveMigratorConfig({ database: 'shop', url: 'x', migrationsDir: '/db/shop/migrations', provider }).provider).toBe(provider);
    }
  });

  it('resolves relative SQLite paths against the database folder, the migrations folder’s parent', () => {
    expect(resolveMigratorConfig({ database: 'shop', url: 'file:./dev.db', migrationsDir: '/db/shop/migrations', provider: 'sqlite' }).baseDir).toBe('/db/shop');
  });

  it('throws UnsupportedMigrationProviderError for a provider without a runner', () => {
    expect(() => resolveMigratorConfig({ database: 'shop', url: 'sqlserver://localhost', migrationsDir: '/m', provider: 'sqlserver' })).toThrow(
      UnsupportedMigrationProviderError,
    );
  });
});

describe('migratorOptionsForFolder', () => {
  it('takes the name, migrations folder and provider from a discovered folder', () => {
    const folder = { name: 'user', migrationsDir: '/db/user/migrations', schema: { provider: 'postgresql' } } as unknown as DatabaseFolder;
    expect(migratorOptionsForFolder(folder, 'postgresql://x/y', { lockTimeoutMs: 5 })).toEqual({
      database: 'user',
      url: 'postgresql://x/y',
      migrationsDir: '/db/user/migrations',
      provider: 'postgresql',
      lockTimeoutMs: 5,
    });
  });
});
