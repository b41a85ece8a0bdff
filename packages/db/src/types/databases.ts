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

/**
 * What every client from `getClient`/`getClientSync` has, whether or not the database has read
 * replicas, so code compiles the same either way.
 */
export interface ReplicaRoutingMethods<C> {
  /**
   * The primary's own client: reads and writes both go to the primary (read-your-writes). Inside
   * an interactive transaction, the transaction client itself. Without replicas: the client itself.
   */
  $primary(): C;
  /**
   * A replica's client, next in rotation, unchecked and without fallback; the primary's client when
   * no replica is in rotation. Without replicas: the client itself.
   */
  $replica(): C;
}

/** A client with `$primary()`/`$replica()`. */
export type WithReplicaRouting<C> = C & ReplicaRoutingMethods<C>;

/** The client type of database `K`. */
export type ClientFor<K extends string> = WithReplicaRouting<K extends keyof KustoDatabases ? KustoDatabases[K] : PrismaClientLike>;
