import type { PrismaClientLike } from '../connection/prisma-client.js';

/**
 * Model operations that only read, and go to a replica outside transactions. The same list as
 * `@prisma/extension-read-replicas` (less its MongoDB-only `findRaw`/`aggregateRaw`: Prisma 7's
 * driver adapters have no MongoDB). Raw queries (`$queryRaw`) may write, so they stay on the primary.
 */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'groupBy',
  'aggregate',
  'count',
]);

/**
 * The key Prisma 7 sets on an interactive-transaction client (`Symbol.for`, so stable across
 * copies of the runtime). Prisma 7 tx clients keep a `$transaction` function (nested
 * transactions), so "has no `$transaction`" no longer tells a tx client apart. Covered by
 * `replicas.int.test.ts`: an upgrade that drops it fails there.
 */
const TRANSACTION_SCOPE = Symbol.for('prisma.client.transaction.scope_context');

/** Whether `client` is an interactive-transaction client. */
export function isTransactionClient(client: unknown): boolean {
  return typeof client === 'object' && client !== null && TRANSACTION_SCOPE in client;
}

export interface RoleMethods {
  /** What `$primary()` returns, given the client it was called on (an extension or a tx client of it). */
  readonly primary: (self: object) => unknown;
  /** What `$replica()` returns, given the client it was called on. */
  readonly replica: (self: object) => unknown;
}

/**
 * Gives a Prisma client `$primary()` and `$replica()` as non-enumerable own properties, so they
 * cost nothing per query (no `$extends` hook). Prisma 7 keeps them: `$extends` builds on the
 * original object and `$transaction` clients wrap it, and a call sees the client it was made on
 * as `this` (checked in `replicas.int.test.ts`).
 */
export function defineRoleMethods<C extends object>(client: C, roles: RoleMethods): C {
  const method = (pick: (self: object) => unknown) => ({
    value: function (this: object) {
      return pick(this);
    },
    enumerable: false,
    configurable: true,
    writable: false,
  });
  Object.defineProperty(client, '$primary', method(roles.primary));
  Object.defineProperty(client, '$replica', method(roles.replica));
  return client;
}

/**
 * What a fluent relation call returns: Prisma turns `user.findUnique(…).posts()` into a
 * `findUnique` with `select: { posts: … }` and picks the relation out of the result by its
 * `dataPath` (`['select', 'posts']`) after the query. A query sent to another client returns the
 * whole object, so the pick is done here: every second step is a field name.
 */
export function unpackDataPath(result: unknown, dataPath: readonly string[] | undefined): unknown {
  if (!dataPath || dataPath.length === 0) return result;
  let value = result;
  for (let index = 1; index < dataPath.length; index += 2) {
    if (value === null || value === undefined) return value;
    value = (value as Record<string, unknown>)[dataPath[index]!];
  }
  return value;
}

/** Prisma's model name (`UserProfile`) → the client's property (`userProfile`). */
export function modelProperty(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/** Runs one read on a replica, or falls back to `primary` (the un-routed query). */
export interface ReadRouter {
  read(model: string, operation: string, args: unknown, dataPath: readonly string[] | undefined, primary: () => Promise<unknown>): Promise<unknown>;
  /** A replica's client in rotation, or the primary's (for `$replica()`). */
  replicaClient(): unknown;
}

interface OperationParams {
  readonly model?: string;
  readonly operation: string;
  readonly args: unknown;
  readonly query: (args: unknown) => Promise<unknown>;
  /** Not in Prisma's public types; what `@prisma/extension-read-replicas` reads too. */
  readonly __internalParams?: { readonly transaction?: unknown; readonly dataPath?: readonly string[] };
}

interface Extendable {
  $extends(extension: unknown): PrismaClientLike;
}

const extend = (client: unknown, extension: unknown): PrismaClientLike => (client as Extendable).$extends(extension);

/**
 * The primary's client with read routing, as a Prisma client extension: model reads outside
 * transactions go through `router.read`; writes, raw queries and everything inside a transaction
 * (interactive or batch) run on the primary as they are. `$primary()` returns `base` (or the
 * transaction client it was called on), `$replica()` asks the router.
 *
 * Prisma runs query extensions in the order they were added, so one added on top of the routing
 * would run after it, and never for a read the routing sends to a replica (a soft-delete or tenant
 * filter would be skipped there). So `$extends` on the routed client extends `base` and routes
 * that again: the routing always runs last, on the arguments every extension has shaped;
 * `$primary()` is the extended `base`, and `$replica()` gets the same `extensions` applied.
 */
export function routeReads(base: PrismaClientLike, router: ReadRouter, extensions: readonly unknown[] = []): PrismaClientLike {
  return extend(base, {
    name: 'kusto-read-replicas',
    client: {
      $primary(this: object) {
        return isTransactionClient(this) ? this : base;
      },
      $replica() {
        return extensions.reduce<unknown>(extend, router.replicaClient());
      },
      $extends(extension: unknown) {
        return routeReads(extend(base, extension), router, [...extensions, extension]);
      },
    },
    query: {
      $allOperations(params: OperationParams) {
        const { model, operation, args, query } = params;
        const internal = params.__internalParams;
        if (model === undefined || internal?.transaction !== undefined || !READ_OPERATIONS.has(operation)) return query(args);
        return router.read(model, operation, args, internal?.dataPath, () => query(args));
      },
    },
  });
}
