import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdapterNotInstalledError } from '../errors.js';
import { ModuleLoader } from './module-loader.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('ModuleLoader', () => {
  test('a preloaded adapter (a registry import) is used as it is, whether namespace or CommonJS default', () => {
    class PrismaPg {}
    const namespace = { PrismaPg };
    expect(new ModuleLoader(packageDir, { '@prisma/adapter-pg': namespace }).loadAdapter('@prisma/adapter-pg', 'user', 'postgresql', 'PrismaPg').module).toBe(namespace);
    expect(new ModuleLoader(packageDir, { '@prisma/adapter-pg': { default: namespace } }).loadAdapter('@prisma/adapter-pg', 'user', 'postgresql', 'PrismaPg').module).toBe(namespace);
  });

  test('without it, the installed package; a missing one names the package to install', () => {
    const loader = new ModuleLoader(packageDir);
    expect(loader.loadAdapter<{ PrismaPg: unknown }>('@prisma/adapter-pg', 'user', 'postgresql', 'PrismaPg').module.PrismaPg).toBeDefined();
    expect(() => loader.loadAdapter('@prisma/adapter-mssql', 'mssql', 'sqlserver', 'PrismaMssql')).toThrow(AdapterNotInstalledError);
  });

  test('a driver beside a preloaded adapter: preloaded too, else installed, else what to do', () => {
    const Pool = class {};
    expect(new ModuleLoader(packageDir, { pg: { default: { Pool } } }).loadDependencyOf<{ Pool: unknown }>('@prisma/adapter-pg', 'pg', 'Pool').Pool).toBe(Pool);
    expect(typeof new ModuleLoader(packageDir).loadDependencyOf<{ Pool: unknown }>('@prisma/adapter-pg', 'pg', 'Pool').Pool).toBe('function');
    expect(() => new ModuleLoader(packageDir).loadDependencyOf('@prisma/adapter-mariadb', 'mariadb', 'createPool')).toThrow(
      'mariadb was imported neither by the database registry nor installed where @prisma/adapter-mariadb can load it: run `kusto-db generate -a` to write the registry again.',
    );
  });
});
