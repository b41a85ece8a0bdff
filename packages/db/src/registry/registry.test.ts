import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { parseSchema } from '../discovery/schema-file.js';
import { InvalidDatabaseNameError } from '../errors.js';
import { defineRegistry, discoveryFromRegistry, moduleExports, registeredClient, type DatabaseRegistry } from './registry.js';

class FakeClient {}

const registry: DatabaseRegistry = {
  root: 'src/app/db',
  databases: {
    user: {
      PrismaClient: FakeClient,
      dir: 'src/app/db/user',
      schema: parseSchema('datasource db {\n  provider = "postgresql"\n}\ngenerator client {\n  provider = "prisma-client-js"\n  output = "client"\n}\n'),
      configUrlEnv: 'USER_DATABASE_URL',
    },
    cache: {
      PrismaClient: FakeClient,
      dir: 'src/app/db/cache',
      schema: parseSchema('datasource db {\n  provider = "sqlite"\n  url = env("LEGACY_CACHE_URL")\n}\ngenerator client {\n  provider = "prisma-client-js"\n}\n'),
    },
  },
  modules: {},
};

describe('defineRegistry', () => {
  test('returns the registry, frozen', () => {
    const defined = defineRegistry(registry);
    expect(defined.databases.user?.dir).toBe('src/app/db/user');
    expect(Object.isFrozen(defined)).toBe(true);
  });

  test('refuses a name that cannot be a database (a hand-edited registry fails at import)', () => {
    expect(() => defineRegistry({ ...registry, databases: { '../etc': registry.databases.user! } })).toThrow(InvalidDatabaseNameError);
  });
});

describe('discoveryFromRegistry', () => {
  test('gives the folders discovery would have found under cwd, sorted, without reading the filesystem', () => {
    const cwd = path.join(path.sep, 'does', 'not', 'exist');
    const discovery = discoveryFromRegistry(registry, cwd);
    expect(discovery.root).toBe(path.join(cwd, 'src/app/db'));
    expect([...discovery.databases.keys()]).toEqual(['cache', 'user']);
    expect(discovery.skipped).toEqual([]);
    const user = discovery.databases.get('user')!;
    expect(user.dir).toBe(path.join(cwd, 'src/app/db/user'));
    expect(user.clientDir).toBe(path.join(cwd, 'src/app/db/user/client'));
    expect(user.configUrlEnv).toBe('USER_DATABASE_URL');
    expect(discovery.databases.get('cache')!.schema.urlEnv).toBe('LEGACY_CACHE_URL');
  });
});

describe('registeredClient', () => {
  test('is the class the registry imported, or undefined for an unknown name or a non-class', () => {
    expect(registeredClient(registry, 'user')).toBe(FakeClient);
    expect(registeredClient(registry, 'nope')).toBeUndefined();
    expect(registeredClient({ ...registry, databases: { user: { ...registry.databases.user!, PrismaClient: {} } } }, 'user')).toBeUndefined();
  });
});

describe('moduleExports', () => {
  const Pool = class {};

  test('an ES module namespace with the export is itself', () => {
    const namespace = { Pool };
    expect(moduleExports(namespace, 'Pool')).toBe(namespace);
  });

  test('a CommonJS module imported as a namespace is its default (module.exports)', () => {
    const exports = { Pool };
    expect(moduleExports({ default: exports }, 'Pool')).toBe(exports);
  });

  test('a module that is a class is found by a test of the whole module, even beside copied properties', () => {
    class Database {}
    // esbuild's namespace for a CommonJS function copies its own properties (prototype included).
    const namespace = { default: Database, prototype: Database.prototype as unknown, length: 0 };
    expect(moduleExports(namespace, (value) => typeof value === 'function')).toBe(Database);
  });

  test('anything else is undefined', () => {
    expect(moduleExports(undefined, 'Pool')).toBeUndefined();
    expect(moduleExports({ default: {} }, 'Pool')).toBeUndefined();
    expect(moduleExports(42, 'Pool')).toBeUndefined();
  });
});
