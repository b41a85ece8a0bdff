import { expect, test } from '@jest/globals';
import { kusto, registerDatabases } from './default-instance.js';
import { parseSchema } from './discovery/schema-file.js';
import { defineRegistry } from './registry/registry.js';

// One module instance for the whole file, as in an app: the order of the tests is the order of use.

const schema = parseSchema('datasource db {\n  provider = "postgresql"\n}\ngenerator client {\n  provider = "prisma-client-js"\n  output = "client"\n}\n');
const registry = defineRegistry({ root: 'src/app/db', databases: { orders: { PrismaClient: class {}, dir: 'src/app/db/orders', schema } }, modules: {} });

test('a registry registered before the first use of kusto.db is the one it uses (no folders read)', () => {
  registerDatabases(registry);
  expect(kusto.db.names()).toEqual(['orders']);
  // Importing the same registry module twice is harmless.
  expect(() => registerDatabases(registry)).not.toThrow();
});

test('another registry after kusto.db was created is refused, with what to do', () => {
  const other = defineRegistry({ ...registry, databases: {} });
  expect(() => registerDatabases(other)).toThrow(
    "kusto.db was created before this database registry was registered, so it does not use it. Import the registry (import './kusto-registry.js') before the first use of kusto.db, or pass it yourself: createKustoDb({ registry }).",
  );
});
