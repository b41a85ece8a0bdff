import type { DatabaseProvider } from '../provider.js';
import { buildPostgresAdapter } from './adapter.js';
import { classifyPostgresError } from './errors.js';

/** Postgres and CockroachDB through `@prisma/adapter-pg` over a `pg.Pool` we own. */
export const postgresProvider: DatabaseProvider = {
  id: 'postgres',
  prismaProviders: ['postgresql', 'cockroachdb'],
  adapterPackage: '@prisma/adapter-pg',
  urlSchemes: ['postgresql:', 'postgres:'],
  exampleUrl: 'postgresql://user:password@host:5432/name',
  build: buildPostgresAdapter,
  classify: classifyPostgresError,
  healthCheckSql: 'SELECT 1',
};
