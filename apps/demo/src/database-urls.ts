import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { envVarForDatabase } from '@kusto/db';
import { TestServerError, startPostgres, type PostgresServer } from '@kusto/test-servers';

export const DEMO_DATABASES = ['user', 'temporary'] as const;

/** Where the demo's URLs came from, and the embedded server when the demo started one. */
export interface DemoDatabases {
  readonly urls: Record<(typeof DEMO_DATABASES)[number], string>;
  readonly server: PostgresServer | undefined;
}

async function startEmbedded(dataDir: string, log: (line: string) => void): Promise<PostgresServer> {
  try {
    return await startPostgres({ backend: 'embedded', dataDir });
  } catch (error) {
    if (!(error instanceof TestServerError) || error.code !== 'DATA_DIR_UNREACHABLE') throw error;
    // A checkout inside a private home folder: the server's own user cannot reach .kusto/ there.
    const fallback = path.join(os.tmpdir(), `kusto-demo-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
    log(`${dataDir} is out of the Postgres user's reach; keeping the demo data in ${fallback} instead`);
    return startPostgres({ backend: 'embedded', dataDir: fallback });
  }
}

/**
 * Uses `RDS_USER_URL` and `RDS_TEMPORARY_URL` when both are set. Otherwise starts an embedded
 * Postgres with a persistent data dir, creates both databases and exports their URLs.
 */
export async function resolveDemoDatabases(options: {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  log: (line: string) => void;
}): Promise<DemoDatabases> {
  const variables = DEMO_DATABASES.map((name) => envVarForDatabase(name));
  const given = variables.map((variable) => options.env[variable]);
  if (given.every((url): url is string => Boolean(url))) {
    return { urls: { user: given[0]!, temporary: given[1]! }, server: undefined };
  }
  options.log(`${variables.join(' / ')} not set: starting an embedded Postgres (data in ${options.dataDir})`);
  const server = await startEmbedded(options.dataDir, options.log);
  const urls = { user: await server.createDatabase('user'), temporary: await server.createDatabase('temporary') };
  options.env[variables[0]!] = urls.user;
  options.env[variables[1]!] = urls.temporary;
  return { urls, server };
}
