// A provider's own server for the benchmarks that compare providers or run on MySQL: started the
// way the fault suites start theirs (`providerServers()` of @kusto/test-servers), with the fixture
// project of that provider's schema and a seeded `User` table.
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { providerServers } from '@kusto/test-servers/testing';
import { BENCH_DIR, USER_ROWS } from './setup.mjs';

const tableOf = (provider) => (provider === 'mysql' ? '`User`' : '"User"');

/** The MySQL kit (a real MariaDB): `available`, `reason`, `start()`. */
export async function mysqlKit() {
  return (await providerServers()).find((kit) => kit.name === 'mysql');
}

/** Why MySQL benchmarks cannot run here, or undefined when they can (for `skipReason()`). */
export async function mysqlSkipReason() {
  const mysql = await mysqlKit();
  return mysql.available ? undefined : `no MariaDB: ${mysql.reason}`;
}

/**
 * Starts `kit`'s server, creates `database` with USER_ROWS seeded users and the fixture project of
 * the provider's schema: { kit, server, project, url }. The caller closes `server`.
 */
export async function prepareProvider(kit, database = 'bench') {
  const [server, project] = await Promise.all([
    kit.start(),
    fixtureProject({ packageDir: BENCH_DIR, databases: { user: schemaFor(kit.provider, USER_MODELS) } }),
  ]);
  try {
    const url = await server.createDatabase(database);
    const values = Array.from({ length: USER_ROWS }, (_, i) => `('u${i + 1}@bench.test', 'User ${i + 1}')`).join(', ');
    await server.exec(url, server.userTableSql, `INSERT INTO ${tableOf(kit.provider)} (email, name) VALUES ${values}`);
    return { kit, server, project, url };
  } catch (error) {
    await server.close();
    throw error;
  }
}
