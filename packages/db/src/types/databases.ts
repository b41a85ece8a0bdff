import type { PrismaClientLike } from '../connection/prisma-client.js';

/**
 * Database name → its generated `PrismaClient` type. Empty here; the declaration file that
 * `kusto-db generate` writes (see `renderDatabaseTypes`) augments it, after which `getClient`
 * returns the right client type and a misspelled name does not compile.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KustoDatabases {}

/** The names `getClient` accepts: those of {@link KustoDatabases} once generated, any string before. */
export type DatabaseName = [keyof KustoDatabases] extends [never] ? string : Extract<keyof KustoDatabases, string>;

/** The client type of database `K`. */
export type ClientFor<K extends string> = K extends keyof KustoDatabases ? KustoDatabases[K] : PrismaClientLike;
